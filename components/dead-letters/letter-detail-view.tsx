"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { LoadError } from "@/components/consumers/load-error";
import { LetterActions } from "@/components/redrive/letter-actions";
import { LetterHistory } from "@/components/redrive/letter-history";
import { LetterLineage } from "@/components/redrive/letter-lineage";
import { EmptyState } from "@/components/ui/empty-state";
import { useNow } from "@/components/ui/use-now";
import { ApiError } from "@/lib/queries/fetch-json";
import { useDeadLetter } from "@/lib/queries/use-dead-letter";
import { DeathTimeline } from "./death-timeline";
import { KeyValueTable } from "./key-value-table";
import { LetterHeader } from "./letter-header";
import { parsePayloadTab, type PayloadTab } from "./payload";
import { PayloadViewer } from "./payload-viewer";
import { BROKER_LABELS } from "@/lib/brokers/contracts";

/** /dead-letters/[id]: the letter, its payload (tab in the URL), death history, properties and headers. */
export function LetterDetailView({ id }: { id: string }) {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const tab = parsePayloadTab(searchParams.get("tab"));
  const setTab = useCallback(
    (t: PayloadTab) => {
      const sp = new URLSearchParams(searchParams.toString());
      sp.set("tab", t);
      router.replace(`${pathname}?${sp.toString()}`, { scroll: false });
    },
    [router, pathname, searchParams],
  );

  const letter = useDeadLetter(id);
  const now = useNow(5000);
  const notFound = letter.error instanceof ApiError && letter.error.status === 404;
  if (notFound) return <NotKnown id={id} />;

  const l = letter.data;
  return (
    <div>
      {l ? <LetterHeader letter={l} now={now} actions={<LetterActions letter={l} />} /> : letter.error ? null : <p className="py-6 text-sm text-zinc-500">Loading the dead letter…</p>}
      {letter.error ? <LoadError what="this dead letter" error={letter.error} hasData={Boolean(l)} testId="letter-error" /> : null}
      {l ? (
        <>
          <div className="mb-4 grid gap-4 xl:grid-cols-3">
            <div className="min-w-0 xl:col-span-2">
              <PayloadViewer letter={l} tab={tab} onTab={setTab} />
            </div>
            <div className="min-w-0 space-y-4">
              <LetterLineage letter={l} now={now} />
              <DeathTimeline deaths={l.deaths} />
              <LetterHistory id={l.id} />
            </div>
          </div>
          <div className="grid gap-4 lg:grid-cols-2">
            <KeyValueTable
              title="Properties"
              note={BROKER_LABELS[l.kind].propertiesNote}
              entries={l.properties}
              empty="No properties recorded."
              testId="letter-properties"
            />
            <KeyValueTable title="Headers" note="As the broker delivered them." entries={l.headers} empty="No headers." testId="letter-headers" />
          </div>
        </>
      ) : null}
    </div>
  );
}

function NotKnown({ id }: { id: string }) {
  return (
    <div data-testid="letter-not-found">
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">Dead letter not found</h1>
      <EmptyState title="This dead letter is not known (any more)">
        Redrive has no dead letter with the id <code className="font-mono wrap-anywhere">{id}</code>. It may have passed its retention period, or
        the link is incomplete.{" "}
        <Link href="/dead-letters" className="underline">
          See every dead letter
        </Link>
        .
      </EmptyState>
    </div>
  );
}
