import type { Metadata } from "next";
import { Suspense } from "react";
import { DeadLetterInbox } from "@/components/dead-letters/dead-letter-inbox";
import { PageHeader } from "@/components/layout/page-header";

export const metadata: Metadata = { title: "Dead letters" };

export default function DeadLettersPage() {
  return (
    <>
      <PageHeader
        title="Dead letters"
        description="Every dead letter Redrive has collected from both brokers: why it died, where it came from, and what was done with it. Newest first; group them by cause to see what is failing."
      />
      {/* The view reads its filters from the URL, which only the browser has at render time. */}
      <Suspense fallback={<p className="py-12 text-center text-sm text-zinc-500">Loading dead letters…</p>}>
        <DeadLetterInbox />
      </Suspense>
    </>
  );
}
