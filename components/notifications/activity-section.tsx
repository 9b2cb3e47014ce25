"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import type { DeliveryView, IncidentView } from "@/lib/notifications/types";
import { muted, td, th } from "./styles";

/** Recent incidents, each linking to the page that explains it at its time window. */
export function IncidentsSection({ incidents }: { incidents: IncidentView[] }) {
  return (
    <section aria-labelledby="incidents-heading" className="mb-8" data-testid="incidents-section">
      <h2 id="incidents-heading" className="text-lg font-semibold">
        Recent incidents
      </h2>
      {incidents.length === 0 ? (
        <p className={`text-sm ${muted}`}>Nothing has fired yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[820px] border-separate border-spacing-0 text-sm">
            <thead>
              <tr>
                <th className={th}>#</th>
                <th className={th}>Status</th>
                <th className={th}>What</th>
                <th className={th}>Rule</th>
                <th className={th}>Began</th>
                <th className={th}>Resolved</th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((i) => (
                <tr key={i.id} data-testid="incident-row" data-status={i.status}>
                  <td className={`${td} tabular-nums`}>{i.number}</td>
                  <td className={td}>
                    <Badge tone={i.status === "firing" ? "bad" : "ok"}>{i.status}</Badge>
                  </td>
                  <td className={td}>
                    <Link href={i.href} className="font-medium wrap-anywhere hover:underline" data-testid="incident-link">
                      {targetName(i)}
                    </Link>
                    <p className={`text-xs ${muted}`}>{i.summary}</p>
                    {i.resolution ? <p className="text-xs text-emerald-700 dark:text-emerald-300">{i.resolution}</p> : null}
                  </td>
                  <td className={`${td} text-xs`}>{i.ruleName}</td>
                  <td className={`${td} text-xs whitespace-nowrap`}>
                    <RelativeTime iso={i.startedAt} />
                  </td>
                  <td className={`${td} text-xs whitespace-nowrap`}>{i.resolvedAt ? <RelativeTime iso={i.resolvedAt} /> : <span className={muted}>—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function targetName(i: IncidentView): string {
  const t = i.target;
  if (t.type === "consumer") return `${t.parent}/${t.name} on ${t.cluster}`;
  if (t.type === "dlq") return `${t.name} on ${t.cluster}`;
  if (t.type === "job") return `Job ${t.number}`;
  return `${t.source} on ${t.cluster}`;
}

/** Every message and each of its attempts: what the receiver answered, and when the next retry is. */
export function DeliveriesSection({ deliveries }: { deliveries: DeliveryView[] }) {
  return (
    <section aria-labelledby="deliveries-heading" className="mb-8" data-testid="deliveries-section">
      <h2 id="deliveries-heading" className="text-lg font-semibold">
        Delivery log
      </h2>
      {deliveries.length === 0 ? (
        <p className={`text-sm ${muted}`}>No message sent yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[820px] border-separate border-spacing-0 text-sm">
            <thead>
              <tr>
                <th className={th}>Queued</th>
                <th className={th}>Channel</th>
                <th className={th}>Message</th>
                <th className={th}>Status</th>
                <th className={th}>Attempts</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id} data-testid="delivery-row" data-status={d.status} data-event={d.event}>
                  <td className={`${td} text-xs whitespace-nowrap`}>
                    <RelativeTime iso={d.createdAt} />
                  </td>
                  <td className={td}>{d.channelName}</td>
                  <td className={`${td} text-xs`}>
                    {d.event}
                    {d.incidentNumber !== null ? ` · incident ${d.incidentNumber}` : d.groupSize !== null ? ` · ${d.groupSize.toLocaleString("en-US")} incidents in one message` : ""}
                  </td>
                  <td className={td}>
                    <Badge tone={d.status === "sent" ? "ok" : d.status === "failed" ? "bad" : "warn"}>{d.status}</Badge>
                    {d.nextAttemptAt && d.attempts > 0 ? (
                      <p className={`mt-0.5 text-xs ${muted}`}>
                        retry <RelativeTime iso={d.nextAttemptAt} />
                      </p>
                    ) : null}
                  </td>
                  <td className={`${td} text-xs`}>
                    {d.log.length === 0 ? <span className={muted}>none yet</span> : null}
                    <ol className="space-y-0.5">
                      {d.log.map((a, n) => (
                        <li key={n} className={a.ok ? "" : "text-rose-700 dark:text-rose-300"}>
                          {n + 1}. {a.ok ? `HTTP ${a.httpStatus}` : a.error} <span className={muted}>({a.durationMs} ms)</span>
                        </li>
                      ))}
                    </ol>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
