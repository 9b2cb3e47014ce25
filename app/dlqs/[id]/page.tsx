import type { Metadata } from "next";
import { Suspense } from "react";
import { DlqDetailView } from "@/components/dead-letters/dlq-detail-view";

export const metadata: Metadata = { title: "Dead-letter queue" };

export default async function DlqPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    // The time window comes from the URL's query string, read in the browser.
    <Suspense fallback={<p className="py-12 text-center text-sm text-zinc-500">Loading the DLQ…</p>}>
      <DlqDetailView id={decodeSegment(id)} />
    </Suspense>
  );
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
