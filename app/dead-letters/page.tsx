import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Dead letters" };

export default function Page() {
  return (
    <>
      <PageHeader title="Dead letters" description="Every dead letter from both brokers: why it died, where it came from, and what was done with it." />
      <EmptyState title="No dead letters collected yet">This version of Redrive does not collect dead letters yet; they stay on the brokers, untouched.</EmptyState>
    </>
  );
}
