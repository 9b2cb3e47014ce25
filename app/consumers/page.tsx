import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Consumers" };

export default function Page() {
  return (
    <>
      <PageHeader title="Consumers" description="Backlog, ack and delivery rates, redeliveries and health of every JetStream consumer and RabbitMQ queue." />
      <EmptyState title="No consumer samples yet">This version of Redrive does not sample consumers yet; the Overview shows which brokers it can reach.</EmptyState>
    </>
  );
}
