import type { Metadata } from "next";
import { Suspense } from "react";
import { ConsumerListView } from "@/components/consumers/consumer-list-view";
import { PageHeader } from "@/components/layout/page-header";

export const metadata: Metadata = { title: "Consumers" };

export default function ConsumersPage() {
  return (
    <>
      <PageHeader
        title="Consumers"
        description="Every JetStream consumer and RabbitMQ queue: health, backlog, in-flight, ack, delivery and redelivery rates, and time to drain. Click a column to sort, a row to see its history."
      />
      {/* The view reads its filters from the URL, which only the browser has at render time. */}
      <Suspense fallback={<p className="py-12 text-center text-sm text-zinc-500">Loading consumers…</p>}>
        <ConsumerListView />
      </Suspense>
    </>
  );
}
