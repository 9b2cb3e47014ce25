import type { Metadata } from "next";
import { Suspense } from "react";
import { JobDetailView } from "@/components/jobs/job-detail-view";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    // The outcome filter comes from the URL's query string, read in the browser.
    <Suspense fallback={<p className="py-12 text-center text-sm text-zinc-500">Loading the job…</p>}>
      <JobDetailView id={decodeSegment(id)} />
    </Suspense>
  );
}

/** The id as the API knows it; a malformed escape is left as it came rather than failing the page. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
