import type { Metadata } from "next";
import { Suspense } from "react";
import { LetterDetailView } from "@/components/dead-letters/letter-detail-view";

export const metadata: Metadata = { title: "Dead letter" };

export default async function DeadLetterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    // The payload tab comes from the URL's query string, read in the browser.
    <Suspense fallback={<p className="py-12 text-center text-sm text-zinc-500">Loading the dead letter…</p>}>
      <LetterDetailView id={decodeSegment(id)} />
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
