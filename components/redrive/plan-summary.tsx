"use client";

import Link from "next/link";
import { formatCount } from "@/components/consumers/format";
import type { JobAction, JobPlan } from "@/lib/redrive/types";
import { ACTION_LABEL, jobHref, jobName, letterCount } from "./format";

const muted = "text-zinc-500 dark:text-zinc-400";
const th = "border-b border-zinc-200 px-2 py-1.5 text-left text-xs font-medium whitespace-nowrap text-zinc-600 first:pl-0 last:pr-0 dark:border-zinc-800 dark:text-zinc-300";
const td = "border-b border-zinc-100 px-2 py-1.5 align-top first:pl-0 last:pr-0 dark:border-zinc-800/70";
const note = "rounded-md px-3 py-2 text-sm";
const warnNote = `${note} bg-amber-50 text-amber-900 dark:bg-amber-500/10 dark:text-amber-200`;
const badNote = `${note} border border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-500/40 dark:bg-rose-500/10 dark:text-rose-200`;
const infoNote = `${note} bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200`;

/**
 * What a job would do, from its dry run: how many letters, where they go and whether that exists,
 * and every letter left out and why. Names come from brokers and producers: text only.
 */
export function PlanSummary({
  plan,
  explicit,
  poison,
  includePoison,
  onIncludePoison,
}: {
  plan: JobPlan;
  /** Letters picked one by one: a start is refused while another job holds any of them, rather than leaving those out. */
  explicit: boolean;
  /** Poison letters in the scope: the plan's count, or the last one seen once they are included (the plan then counts them in). */
  poison: number;
  includePoison: boolean;
  onIncludePoison: (v: boolean) => void;
}) {
  return (
    <div className="space-y-3" data-testid="plan-summary">
      <p className="text-base" data-testid="plan-headline">
        {plan.total === 0 ? (
          <>
            <b className="font-semibold">Nothing to {ACTION_LABEL[plan.action].toLowerCase()}</b>: no letter in this scope is in a state this action
            applies to.
          </>
        ) : (
          <>
            {ACTION_LABEL[plan.action]}{" "}
            <b className="text-lg font-semibold tabular-nums" data-testid="plan-total" data-total={plan.total}>
              {letterCount(plan.total)}
            </b>
            {plan.action === "requeue" ? (plan.destinations.length > 1 ? ` to ${plan.destinations.length} destinations` : plan.destinations.length === 1 ? " to" : "") : "."}
            {plan.action === "requeue" && plan.destinations.length === 1 && plan.destinations[0] ? (
              <b className="font-semibold break-all"> {plan.destinations[0].destination}</b>
            ) : null}
          </>
        )}
      </p>

      {plan.destinations.length > 0 ? <Destinations plan={plan} /> : null}

      {plan.refusal ? (
        <p className={badNote} role="alert" data-testid="plan-refusal">
          {plan.refusal}
        </p>
      ) : null}

      <Exclusions plan={plan} explicit={explicit} poison={poison} includePoison={includePoison} onIncludePoison={onIncludePoison} />

      {plan.otherConsumers.length > 0 ? (
        <div className={warnNote} data-testid="plan-other-consumers">
          <p>On NATS a requeued message is published to its subject again, so every consumer of the stream that matches it sees it again — not only the one that failed:</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {plan.otherConsumers.map((o) => (
              <li key={`${o.cluster}|${o.subject}`}>
                <span className="font-mono text-xs break-all">{o.subject}</span> <span className={muted}>on {o.cluster}</span>:{" "}
                <span className="break-all">{o.consumers.join(", ")}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

function Destinations({ plan }: { plan: JobPlan }) {
  const verb: Record<JobAction, string> = { requeue: "Destination", terminate: "Dead in", restore: "Dead in" };
  return (
    <div className="max-h-56 overflow-auto">
      <table className="w-full border-separate border-spacing-0 text-sm">
        <thead>
          <tr>
            <th scope="col" className={th}>
              {verb[plan.action]}
            </th>
            <th scope="col" className={`${th} text-right`}>
              Letters
            </th>
            {plan.action === "requeue" ? (
              <th scope="col" className={th}>
                Check
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {plan.destinations.map((d) => (
            <tr
              key={`${d.cluster}|${d.destination}`}
              data-testid="plan-destination"
              data-destination={d.destination}
              data-exists={d.exists === null ? "unknown" : String(d.exists)}
            >
              <td className={td}>
                <p className={`font-mono text-xs break-all ${d.exists === false ? "font-semibold text-rose-700 dark:text-rose-300" : ""}`}>
                  {d.destination || "destination unknown"}
                </p>
                <p className={`text-xs ${muted}`}>{d.cluster}</p>
              </td>
              <td className={`${td} text-right tabular-nums`}>{formatCount(d.count)}</td>
              {plan.action === "requeue" ? (
                <td className={`${td} text-xs`}>
                  {d.exists === false ? (
                    <span className="font-medium text-rose-700 dark:text-rose-300">missing — {d.problem ?? "those letters will stay dead with NO_ROUTE"}</span>
                  ) : d.problem ? (
                    <span className="font-medium text-amber-800 dark:text-amber-300">{d.problem}</span>
                  ) : d.exists ? (
                    <span className="text-emerald-700 dark:text-emerald-300">exists</span>
                  ) : (
                    <span className={muted}>could not be checked</span>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Exclusions({
  plan,
  explicit,
  poison,
  includePoison,
  onIncludePoison,
}: {
  plan: JobPlan;
  explicit: boolean;
  poison: number;
  includePoison: boolean;
  onIncludePoison: (v: boolean) => void;
}) {
  const notApplicableWhy: Record<JobAction, string> = {
    requeue: "are not dead (already requeued or terminated) and are left as they are",
    terminate: "are not dead (already requeued or terminated) and are left as they are",
    restore: "are not terminated and are left as they are",
  };
  const items = [];
  if (plan.heldByOtherJobs.length > 0) {
    const held = plan.heldByOtherJobs.reduce((n, h) => n + h.count, 0);
    const several = plan.heldByOtherJobs.length > 1;
    const jobs = plan.heldByOtherJobs.map((h, i) => (
      <span key={h.jobId}>
        {i > 0 ? (i === plan.heldByOtherJobs.length - 1 ? " and " : ", ") : null}
        <Link href={jobHref(h.jobId)} className="font-medium underline" target="_blank">
          {jobName(h.jobNumber)}
        </Link>
        {several ? ` (${formatCount(h.count)})` : null}
      </span>
    ));
    items.push(
      explicit ? (
        <li key="held" className={badNote} data-testid="plan-held" data-blocking="true">
          {letterCount(held)} of these {held === 1 ? "is" : "are"} being handled by {jobs}. A job on letters picked by hand is refused while
          another job holds any of them: untick {held === 1 ? "it" : "them"}, or wait for that job to finish.
        </li>
      ) : (
        <li key="held" className={warnNote} data-testid="plan-held">
          {letterCount(held)} {held === 1 ? "is" : "are"} being handled by {jobs} and {held === 1 ? "is" : "are"} left out of this one.
        </li>
      ),
    );
  }
  if (poison > 0) {
    items.push(
      <li key="poison" className={warnNote} data-testid="plan-poison">
        <p>
          {letterCount(poison)} {poison === 1 ? "is" : "are"} <b>poison</b>: {poison === 1 ? "it has" : "they have"} come back after being requeued
          again and again.{" "}
          {includePoison ? "They are included in the count above." : "They are left out, so they do not loop through the consumer once more."}
        </p>
        <label className="mt-1.5 flex items-center gap-2 font-medium">
          <input
            type="checkbox"
            data-testid="plan-include-poison"
            checked={includePoison}
            onChange={(e) => onIncludePoison(e.target.checked)}
            className="h-4 w-4 accent-zinc-900 dark:accent-zinc-100"
          />
          Include {formatCount(poison)} poison {poison === 1 ? "letter" : "letters"}
        </label>
      </li>,
    );
  }
  if (plan.action === "requeue" && plan.payloadMissing > 0) {
    items.push(
      <li key="payload" className={warnNote} data-testid="plan-payload-missing">
        {letterCount(plan.payloadMissing)} {plan.payloadMissing === 1 ? "has" : "have"} no stored payload (the broker had already deleted it) and
        cannot be requeued: {plan.payloadMissing === 1 ? "it stays" : "they stay"} dead. Terminate {plan.payloadMissing === 1 ? "it" : "them"} to
        close {plan.payloadMissing === 1 ? "it" : "them"} out.
      </li>,
    );
  }
  if (plan.notApplicable > 0) {
    items.push(
      <li key="na" className={infoNote} data-testid="plan-not-applicable">
        {letterCount(plan.notApplicable)} {notApplicableWhy[plan.action]}.
      </li>,
    );
  }
  return items.length ? <ul className="space-y-2">{items}</ul> : null;
}
