import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Audit" };

export default function Page() {
  return (
    <>
      <PageHeader title="Audit" description="Every action taken through Redrive: who, when, on what, and what happened." />
      <EmptyState title="No audit events yet">Actions are recorded here as they happen; nothing has been done through Redrive yet.</EmptyState>
    </>
  );
}
