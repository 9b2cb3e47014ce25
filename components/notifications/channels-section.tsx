"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ChannelType, ChannelView, TestResult } from "@/lib/notifications/types";
import { useNotificationChange, useTestChannel } from "@/lib/queries/use-notification-settings";
import { input, label, muted, primary, secondary, td, th } from "./styles";

const TYPE_LABEL: Record<ChannelType, string> = { webhook: "Webhook (JSON)", slack: "Slack-compatible" };

/** Where messages go: every channel with its masked URL, a test button, and a form to add one. */
export function ChannelsSection({ channels }: { channels: ChannelView[] }) {
  const change = useNotificationChange();
  const test = useTestChannel();
  const [results, setResults] = useState<Record<string, TestResult | { ok: false; error: string }>>({});
  const [deleting, setDeleting] = useState<ChannelView | null>(null);

  const runTest = (c: ChannelView) => {
    setResults((r) => {
      const { [c.id]: _gone, ...rest } = r;
      return rest;
    });
    test.mutate(c.id, {
      onSuccess: (res) => setResults((r) => ({ ...r, [c.id]: res })),
      onError: (e) => setResults((r) => ({ ...r, [c.id]: { ok: false, error: e.message } })),
    });
  };

  return (
    <section aria-labelledby="channels-heading" className="mb-8" data-testid="channels-section">
      <h2 id="channels-heading" className="text-lg font-semibold">
        Channels
      </h2>
      <p className={`mb-3 text-sm ${muted}`}>Webhooks that receive firing and resolved messages. URLs are shown masked: they often carry the channel&apos;s secret.</p>
      {channels.length === 0 ? (
        <p className={`mb-3 text-sm ${muted}`}>No channel yet. Add one below, or list them under notifications.channels in the configuration file.</p>
      ) : (
        <div className="mb-4 overflow-x-auto">
          <table className="w-full min-w-[720px] border-separate border-spacing-0 text-sm">
            <thead>
              <tr>
                <th className={th}>Name</th>
                <th className={th}>Type</th>
                <th className={th}>URL</th>
                <th className={th}>Last message</th>
                <th className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => {
                const r = results[c.id];
                return (
                  <tr key={c.id} data-testid="channel-row" data-channel={c.name}>
                    <td className={td}>
                      <p className="font-medium">{c.name}</p>
                      <p className="mt-0.5 flex gap-1">
                        {c.source === "config" ? <Badge tone="neutral" title="From the configuration file: change it there">config file</Badge> : <Badge tone="neutral">added by {c.createdBy}</Badge>}
                        {c.enabled ? null : <Badge tone="warn">disabled</Badge>}
                      </p>
                    </td>
                    <td className={td}>{TYPE_LABEL[c.type]}</td>
                    <td className={`${td} font-mono text-xs`}>{c.urlMasked ?? <span className={muted}>none</span>}</td>
                    <td className={`${td} text-xs`}>
                      {c.lastDelivery ? (
                        <>
                          <Badge tone={c.lastDelivery.status === "sent" ? "ok" : c.lastDelivery.status === "failed" ? "bad" : "warn"}>{c.lastDelivery.status}</Badge>{" "}
                          <RelativeTime iso={c.lastDelivery.at} />
                          {c.lastDelivery.error ? <p className="mt-0.5 text-rose-700 dark:text-rose-300">{c.lastDelivery.error}</p> : null}
                        </>
                      ) : (
                        <span className={muted}>none yet</span>
                      )}
                      {r ? (
                        <p role="status" data-testid="test-result" data-ok={r.ok} className={"mt-1 " + (r.ok ? "text-emerald-700 dark:text-emerald-300" : "text-rose-700 dark:text-rose-300")}>
                          {r.ok ? `Test delivered (HTTP ${"httpStatus" in r ? r.httpStatus : ""}, ${"durationMs" in r ? r.durationMs : 0} ms).` : `Test failed: ${r.error}`}
                        </p>
                      ) : null}
                    </td>
                    <td className={`${td} text-right`}>
                      <div className="flex justify-end gap-2">
                        <button type="button" className={secondary} data-testid="test-channel" disabled={test.isPending && test.variables === c.id} onClick={() => runTest(c)}>
                          {test.isPending && test.variables === c.id ? "Sending…" : "Send test"}
                        </button>
                        {c.source === "ui" ? (
                          <>
                            <button type="button" className={secondary} onClick={() => change.mutate({ method: "PUT", url: `/api/notifications/channels/${c.id}`, body: { enabled: !c.enabled } })}>
                              {c.enabled ? "Disable" : "Enable"}
                            </button>
                            <button type="button" className={secondary} onClick={() => setDeleting(c)}>
                              Delete
                            </button>
                          </>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <AddChannel />
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete the channel ${deleting.name}?` : ""}
        confirmLabel="Delete"
        busyLabel="Deleting…"
        danger
        busy={change.isPending}
        error={change.error ? change.error.message : null}
        onConfirm={() => deleting && change.mutate({ method: "DELETE", url: `/api/notifications/channels/${deleting.id}` }, { onSuccess: () => setDeleting(null) })}
        onCancel={() => {
          setDeleting(null);
          change.reset();
        }}
      >
        <p>Rules stop sending to it; messages still queued for it are dropped. Its past deliveries stay in the log.</p>
      </ConfirmDialog>
    </section>
  );
}

function AddChannel() {
  const change = useNotificationChange();
  const [name, setName] = useState("");
  const [type, setType] = useState<ChannelType>("webhook");
  const [url, setUrl] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    change.mutate(
      { method: "POST", url: "/api/notifications/channels", body: { name: name.trim(), type, url: url.trim() } },
      {
        onSuccess: () => {
          setDone(`Added ${name.trim()}. Send it a test to check it is reachable.`);
          setName("");
          setUrl("");
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Add a channel" className="flex flex-wrap items-end gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="add-channel">
      <label className={label}>
        Name
        <input className={input} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="ops-webhook" data-testid="channel-name" />
      </label>
      <label className={label}>
        Type
        <select className={input} value={type} onChange={(e) => setType(e.target.value as ChannelType)} data-testid="channel-type">
          <option value="webhook">{TYPE_LABEL.webhook}</option>
          <option value="slack">{TYPE_LABEL.slack}</option>
        </select>
      </label>
      <label className={`${label} min-w-72 flex-1`}>
        URL
        <input className={input} type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://hooks.example.com/…" data-testid="channel-url" autoComplete="off" />
      </label>
      <button type="submit" className={primary} disabled={change.isPending}>
        {change.isPending ? "Adding…" : "Add channel"}
      </button>
      {change.error ? (
        <p role="alert" className="basis-full text-sm text-rose-700 dark:text-rose-300">
          {change.error.message}
        </p>
      ) : done ? (
        <p role="status" className="basis-full text-sm text-emerald-700 dark:text-emerald-300">
          {done}
        </p>
      ) : null}
    </form>
  );
}
