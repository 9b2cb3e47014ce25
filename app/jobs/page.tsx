import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Jobs" };

export default function Page() {
  return (
    <>
      <PageHeader title="Jobs" description="Requeue and terminate jobs: progress, rate and the outcome of every letter." />
      <EmptyState title="No jobs yet">Requeue and terminate jobs appear here once they can be started from Dead letters.</EmptyState>
    </>
  );
}
