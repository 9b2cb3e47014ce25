import type { Metadata } from "next";
import { ExpectedConsumersView } from "@/components/consumers/expected-consumers-view";
import { PageHeader } from "@/components/layout/page-header";
import { requirePagePermission } from "@/lib/auth/require-page-permission";

export const metadata: Metadata = { title: "Expected consumers" };

export default async function ExpectedConsumersPage() {
  await requirePagePermission("settings:manage");
  return (
    <>
      <PageHeader
        title="Expected consumers"
        description="Consumers that must exist and be attached. One that is absent from its broker, or has fewer consumers attached than asked for, is MISSING on the Consumers page, in /api/metrics and to the consumer-state rules — even one that never existed."
      />
      <ExpectedConsumersView />
    </>
  );
}
