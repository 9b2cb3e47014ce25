"use client";

import { useCan } from "@/components/auth/session-provider";
import Link from "next/link";
import { useState } from "react";
import { formatAge, formatCount, isStale, KIND_LABEL } from "@/components/consumers/format";
import { useNow } from "@/components/ui/use-now";
import { dlqDisplayName, formatFullLocalTime, sourceDisplayName } from "./format";
import { LoadError } from "@/components/consumers/load-error";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { DlqInfo, DlqOverview } from "@/lib/dead-letters/types";
import { useAdoptDlq } from "@/lib/queries/use-adopt-dlq";
import { useDlqs } from "@/lib/queries/use-dlqs";
import { BROKER_CAPABILITIES, BROKER_LABELS } from "@/lib/brokers/contracts";

const muted = "text-zinc-500 dark:text-zinc-400";
const th = "sticky top-0 z-10 bg-white dark:bg-zinc-900 border-b border-zinc-200 px-2 py-1.5 text-left text-xs font-medium whitespace-nowrap text-zinc-600 first:pl-0 last:pr-0 dark:border-zinc-800 dark:text-zinc-300";
const td = "border-b border-zinc-100 px-2 py-2 align-top first:pl-0 last:pr-0 dark:border-zinc-800/70";

type Outcome = { ok: boolean; text: string };

/** Where dead letters come from: every DLQ Redrive found, whether it collects from it, and what is broken. */
export function DlqPanel() {
  const { data, error } = useDlqs();
  const adopt = useAdoptDlq();
  const [pending, setPending] = useState<DlqInfo | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const confirm = () => {
    if (!pending) return;
    const target = pending;
    const adopting = !target.adopted;
    setOutcome(null);
    adopt.mutate(
      { cluster: target.cluster, name: target.name, adopted: adopting },
      {
        onSuccess: (dlq) => {
          setPending(null);
          setOutcome({
            ok: true,
            text: dlq.adopted
              ? `Adopted ${dlqDisplayName(dlq.kind, dlq.name)} on ${dlq.cluster}: Redrive is collecting its messages, and the queue empties as they are stored.`
              : `Released ${dlqDisplayName(dlq.kind, dlq.name)} on ${dlq.cluster}: Redrive no longer consumes it; new dead letters stay in the queue on RabbitMQ.`,
          });
        },
        // The dialog stays open with the sentence, so the operator reads why before deciding again;
        // the line under the heading keeps it after the dialog is closed.
        onError: (e) => setOutcome({ ok: false, text: `Could not ${adopting ? "adopt" : "release"} ${dlqDisplayName(target.kind, target.name)} on ${target.cluster}: ${e.message}` }),
      },
    );
  };

  return (
    <section aria-labelledby="dlq-heading" data-testid="dlq-panel" className="mb-6 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id="dlq-heading" className="text-sm font-semibold">
          Dead-letter queues
        </h2>
        {data ? <p className={`text-xs ${muted}`}>{summarize(data)}</p> : null}
      </div>

      {error ? <LoadError what="the dead-letter queues" error={error} hasData={Boolean(data)} testId="dlq-error" /> : null}
      {outcome ? <OutcomeLine outcome={outcome} onDismiss={() => setOutcome(null)} /> : null}

      {data && (data.problems.length > 0 || data.dlqs.some((d) => d.problem && !d.deleted)) ? (
        <ul className="mt-3 space-y-1.5" data-testid="dlq-problems">
          {data.dlqs
            .filter((d) => d.problem && !d.deleted)
            .map((d) => (
              <li
                key={`row|${d.cluster}|${d.name}`}
                role="alert"
                data-testid="dlq-row-problem"
                data-dlq={d.name}
                className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm wrap-anywhere text-rose-900 dark:border-rose-500/40 dark:bg-rose-500/10 dark:text-rose-200"
              >
                <span className="font-semibold">{dlqDisplayName(d.kind, d.name)}</span>
                <span className="text-rose-700 dark:text-rose-300"> on {d.cluster}</span>: {d.problem}
              </li>
            ))}
          {data.problems.map((p) => (
            <li
              key={`${p.cluster}|${p.source}`}
              role="alert"
              data-testid="dlq-problem"
              className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm wrap-anywhere text-rose-900 dark:border-rose-500/40 dark:bg-rose-500/10 dark:text-rose-200"
            >
              <span className="font-semibold">{sourceDisplayName(p.source)}</span>
              <span className="text-rose-700 dark:text-rose-300"> on {p.cluster}</span>: {p.problem}
            </li>
          ))}
        </ul>
      ) : null}

      {!data ? (
        error ? null : <p className={`mt-3 text-sm ${muted}`}>Looking for dead-letter queues…</p>
      ) : data.dlqs.length === 0 ? (
        <p className={`mt-3 text-sm ${muted}`}>
          No dead-letter queues found. Redrive finds a RabbitMQ DLQ through the dead-letter exchange of the queues it watches (queue
          arguments or policies) or from the configuration, and collects JetStream&apos;s dead letters through its capture stream.
        </p>
      ) : (
        <div className="mt-2 max-h-80 overflow-auto">
          <table className="w-full min-w-[760px] border-separate border-spacing-0 text-sm">
            <thead>
              <tr>
                <th scope="col" className={th}>
                  Queue
                </th>
                <th scope="col" className={th}>
                  Dead letters from
                </th>
                <th scope="col" className={`${th} text-right`} title="Messages in it on the broker now">
                  Depth
                </th>
                <th scope="col" className={`${th} text-right`} title="Letters Redrive has collected from it">
                  Collected
                </th>
                <th scope="col" className={th}>
                  Collection
                </th>
                <th scope="col" className={th}>
                  <span className="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.dlqs.map((d) => (
                <DlqRow key={`${d.cluster}|${d.name}`} dlq={d} busy={adopt.isPending} onAct={() => {
                    adopt.reset();
                    setPending(d);
                  }} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      <ConfirmDialog
        open={pending !== null}
        testId="adopt-dialog"
        title={pending ? (pending.adopted ? `Release ${dlqDisplayName(pending.kind, pending.name)}?` : `Adopt ${dlqDisplayName(pending.kind, pending.name)}?`) : ""}
        confirmLabel={pending?.adopted ? "Release" : "Adopt and collect"}
        busyLabel={pending?.adopted ? "Releasing…" : "Adopting…"}
        busy={adopt.isPending}
        error={adopt.error ? `Could not ${pending?.adopted ? "release" : "adopt"} it: ${adopt.error.message}` : null}
        onConfirm={confirm}
        onCancel={() => {
          setPending(null);
          adopt.reset();
        }}
      >
        {pending ? <AdoptExplanation dlq={pending} /> : null}
      </ConfirmDialog>
    </section>
  );
}

function AdoptExplanation({ dlq }: { dlq: DlqInfo }) {
  const name = <b className="font-semibold wrap-anywhere">{dlqDisplayName(dlq.kind, dlq.name)}</b>;
  if (dlq.adopted) {
    return (
      <>
        <p>
          Redrive will stop consuming {name} on {dlq.cluster}. New dead letters will stay in the queue on RabbitMQ, untouched.
        </p>
        <p>The {formatCount(dlq.collected)} letters already collected stay in Redrive&apos;s store.</p>
      </>
    );
  }
  return (
    <>
      <p>
        Redrive will consume every message in {name} on {dlq.cluster} into its store and acknowledge each one on RabbitMQ only after it is
        stored. The queue will empty as letters are collected.
      </p>
      <p>
        {dlq.depth === null ? "Its depth is not known right now." : `It holds ${formatCount(dlq.depth)} message${dlq.depth === 1 ? "" : "s"} now.`}{" "}
        Applications that read this queue themselves will no longer see these messages there.
      </p>
    </>
  );
}

function DlqRow({ dlq: d, busy, onAct }: { dlq: DlqInfo; busy: boolean; onAct: () => void }) {
  const canAdopt = useCan("dlqs:adopt");
  const now = useNow(10_000);
  const shown = dlqDisplayName(d.kind, d.name);
  return (
    <tr data-testid="dlq-row" data-dlq={d.name} data-cluster={d.cluster} data-adopted={d.adopted} data-deleted={d.deleted ? "true" : undefined} data-problem={d.problem && !d.deleted ? "true" : undefined}>
      <td className={`${td} max-w-72`}>
        {d.id ? (
          <Link href={`/dlqs/${encodeURIComponent(d.id)}`} className="font-mono text-xs font-medium wrap-anywhere hover:underline" data-testid="dlq-link">
            {shown}
          </Link>
        ) : (
          <p className="font-mono text-xs font-medium wrap-anywhere">{shown}</p>
        )}
        <p className={`text-xs ${muted}`}>
          {d.cluster} · {KIND_LABEL[d.kind]} · {d.foundBy}
        </p>
      </td>
      <td className={`${td} max-w-80 text-xs`}>
        {d.sources.length ? <span className="wrap-anywhere">{d.sources.join(", ")}</span> : <span className={muted}>none found</span>}
      </td>
      <td className={`${td} text-right tabular-nums`} data-testid="dlq-depth">
        {d.deleted ? <span className={muted}>—</span> : formatCount(d.depth)}
        {d.depthAt && now !== null && isStale(d.depthAt, now) ? (
          <p className={`text-xs font-normal ${muted}`} data-testid="dlq-depth-age" title={`Read ${formatFullLocalTime(d.depthAt)}`}>
            {formatAge(d.depthAt, now)} ago
          </p>
        ) : null}
      </td>
      <td className={`${td} text-right tabular-nums`}>{formatCount(d.collected)}</td>
      <td className={td}>
        {d.deleted ? (
          <Badge tone="neutral" title="No longer on the broker; the letters collected from it stay in the inbox" data-testid="dlq-deleted">
            Queue deleted
          </Badge>
        ) : !BROKER_CAPABILITIES[d.kind].adoptableDeadLetterSources ? (
          <Badge tone="ok">{BROKER_LABELS[d.kind].deadLetterSourceTitle}</Badge>
        ) : d.adopted ? (
          <Badge tone="ok" title="Redrive consumes it and keeps every message in its store">
            Adopted · collecting
          </Badge>
        ) : (
          <Badge tone="neutral" title="Shown with depth only; its messages stay on RabbitMQ">
            Not adopted
          </Badge>
        )}
      </td>
      <td className={`${td} text-right`}>
        {BROKER_CAPABILITIES[d.kind].adoptableDeadLetterSources && canAdopt && !d.deleted ? (
          <button
            type="button"
            data-testid="adopt-button"
            data-action={d.adopted ? "release" : "adopt"}
            disabled={busy}
            onClick={onAct}
            className={
              "h-8 rounded-md px-3 text-sm font-medium whitespace-nowrap disabled:opacity-50 " +
              (d.adopted
                ? "border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
                : "bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300")
            }
          >
            {d.adopted ? "Release" : "Adopt"}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

function OutcomeLine({ outcome, onDismiss }: { outcome: Outcome; onDismiss: () => void }) {
  return (
    <p
      role="status"
      data-testid="adopt-outcome"
      data-ok={outcome.ok}
      className={
        "mt-3 flex items-start justify-between gap-3 rounded-md px-3 py-2 text-sm " +
        (outcome.ok ? "bg-emerald-50 text-emerald-900 dark:bg-emerald-500/10 dark:text-emerald-200" : "bg-rose-50 text-rose-900 dark:bg-rose-500/10 dark:text-rose-200")
      }
    >
      <span>{outcome.text}</span>
      <button type="button" onClick={onDismiss} aria-label="Dismiss" className="shrink-0 rounded px-1 opacity-70 hover:opacity-100">
        ×
      </button>
    </p>
  );
}

function summarize(o: DlqOverview): string {
  // Adoptable sources are RabbitMQ's DLQs; the others are NATS capture streams (one per cluster).
  const rabbit = o.dlqs.filter((d) => BROKER_CAPABILITIES[d.kind].adoptableDeadLetterSources);
  const adopted = rabbit.filter((d) => d.adopted).length;
  const problems = o.problems.length + o.dlqs.filter((d) => d.problem && !d.deleted).length;
  const parts = [`${rabbit.length} RabbitMQ DLQ${rabbit.length === 1 ? "" : "s"}, ${adopted} adopted`];
  const capture = o.dlqs.length - rabbit.length;
  if (capture) parts.push(`${capture} NATS capture stream${capture === 1 ? "" : "s"}`);
  if (problems) parts.push(`${problems} problem${problems === 1 ? "" : "s"}`);
  parts.push("refreshes every 10 s");
  return parts.join(" · ");
}
