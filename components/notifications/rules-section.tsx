"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ALERT_STATES, RULE_KINDS, type AlertState, type ChannelView, type RuleKind, type RuleParams, type RuleView } from "@/lib/notifications/types";
import { useNotificationChange } from "@/lib/queries/use-notification-settings";
import { input, label, muted, primary, secondary, td, th } from "./styles";

const KIND_LABEL: Record<RuleKind, string> = {
  "consumer-state": "Consumer state",
  "time-to-drain": "Time to drain",
  "oldest-message-age": "Oldest message age",
  "dead-letter-inflow": "Dead-letter inflow",
  "dlx-routes-nowhere": "Dead letters dropped",
  "job-paused-itself": "Job paused itself",
};

/** What is watched: every rule in words, with its scope and channels, and a form to add or edit one. */
export function RulesSection({ rules, channels, clusters }: { rules: RuleView[]; channels: ChannelView[]; clusters: string[] }) {
  const change = useNotificationChange();
  const [editing, setEditing] = useState<RuleView | null>(null);
  const [deleting, setDeleting] = useState<RuleView | null>(null);
  return (
    <section aria-labelledby="rules-heading" className="mb-8" data-testid="rules-section">
      <h2 id="rules-heading" className="text-lg font-semibold">
        Rules
      </h2>
      <p className={`mb-3 text-sm ${muted}`}>
        Checked after every sweep of the sampler. A rule sends one firing message when its condition starts on a consumer or DLQ, nothing more while it holds, and one
        resolved message when it clears. When many start or clear together (a broker restart), each channel gets one summary of them instead.
      </p>
      {rules.length === 0 ? (
        <p className={`mb-3 text-sm ${muted}`}>No rule yet.</p>
      ) : (
        <div className="mb-4 overflow-x-auto">
          <table className="w-full min-w-[820px] border-separate border-spacing-0 text-sm">
            <thead>
              <tr>
                <th className={th}>Rule</th>
                <th className={th}>Fires when</th>
                <th className={th}>On</th>
                <th className={th}>Channels</th>
                <th className={th}>Firing now</th>
                <th className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.id} data-testid="rule-row" data-rule={r.name}>
                  <td className={td}>
                    <p className="font-medium">{r.name}</p>
                    <p className="mt-0.5 flex gap-1">
                      <Badge tone="neutral">{KIND_LABEL[r.params.kind]}</Badge>
                      {r.source === "config" ? <Badge tone="neutral" title="From the configuration file: change it there">config file</Badge> : null}
                      {r.enabled ? null : <Badge tone="warn">disabled</Badge>}
                    </p>
                  </td>
                  <td className={td}>
                    {r.description}
                    {r.forSeconds ? <span className={muted}> for {r.forSeconds} s</span> : null}
                  </td>
                  <td className={`${td} text-xs`}>
                    {r.cluster ? `cluster ${r.cluster}` : "every cluster"}
                    {r.match ? (
                      <>
                        {" · "}
                        <code className="font-mono">{r.match}</code>
                      </>
                    ) : null}
                  </td>
                  <td className={`${td} text-xs`}>{r.channels.map((c) => c.name).join(", ") || <span className="text-rose-700 dark:text-rose-300">none</span>}</td>
                  <td className={`${td} tabular-nums`}>{r.firing ? <Badge tone="bad">{r.firing}</Badge> : <span className={muted}>0</span>}</td>
                  <td className={`${td} text-right`}>
                    {r.source === "ui" ? (
                      <div className="flex justify-end gap-2">
                        <button type="button" className={secondary} onClick={() => change.mutate({ method: "PUT", url: `/api/notifications/rules/${r.id}`, body: { enabled: !r.enabled } })}>
                          {r.enabled ? "Disable" : "Enable"}
                        </button>
                        <button type="button" className={secondary} onClick={() => setEditing(r)}>
                          Edit
                        </button>
                        <button type="button" className={secondary} onClick={() => setDeleting(r)}>
                          Delete
                        </button>
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RuleForm key={editing?.id ?? "new"} rule={editing} channels={channels} clusters={clusters} onDone={() => setEditing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete the rule ${deleting.name}?` : ""}
        confirmLabel="Delete"
        busyLabel="Deleting…"
        danger
        busy={change.isPending}
        error={change.error ? change.error.message : null}
        onConfirm={() => deleting && change.mutate({ method: "DELETE", url: `/api/notifications/rules/${deleting.id}` }, { onSuccess: () => setDeleting(null) })}
        onCancel={() => {
          setDeleting(null);
          change.reset();
        }}
      >
        <p>It stops watching at once. Its incidents stay in the history; open ones close without a resolved message.</p>
      </ConfirmDialog>
    </section>
  );
}

function defaults(rule: RuleView | null) {
  const p = rule?.params;
  return {
    name: rule?.name ?? "",
    kind: (p?.kind ?? "consumer-state") as RuleKind,
    states: p?.kind === "consumer-state" ? p.states : (["STALLED", "STOPPED", "FAILING"] as AlertState[]),
    aboveMinutes: p?.kind === "time-to-drain" ? String(p.aboveSeconds / 60) : "30",
    includeNotDraining: p?.kind === "time-to-drain" ? p.includeNotDraining : false,
    oldestMinutes: p?.kind === "oldest-message-age" ? String(p.aboveSeconds / 60) : "15",
    includeEstimates: p?.kind === "oldest-message-age" ? p.includeEstimates : false,
    perMinute: p?.kind === "dead-letter-inflow" ? String(p.perMinute) : "10",
    cluster: rule?.cluster ?? "",
    match: rule?.match ?? "",
    forSeconds: String(rule?.forSeconds ?? 0),
    channelIds: rule?.channels.map((c) => c.id) ?? [],
  };
}

function RuleForm({ rule, channels, clusters, onDone }: { rule: RuleView | null; channels: ChannelView[]; clusters: string[]; onDone: () => void }) {
  const change = useNotificationChange();
  const [f, setF] = useState(() => defaults(rule));
  const [done, setDone] = useState<string | null>(null);
  const set = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }));

  const params = (): RuleParams => {
    switch (f.kind) {
      case "consumer-state":
        return { kind: f.kind, states: f.states };
      case "time-to-drain":
        return { kind: f.kind, aboveSeconds: Math.round(Number(f.aboveMinutes) * 60), includeNotDraining: f.includeNotDraining };
      case "oldest-message-age":
        return { kind: f.kind, aboveSeconds: Math.round(Number(f.oldestMinutes) * 60), includeEstimates: f.includeEstimates };
      case "dead-letter-inflow":
        return { kind: f.kind, perMinute: Number(f.perMinute) };
      case "dlx-routes-nowhere":
      case "job-paused-itself":
        return { kind: f.kind };
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const body = { name: f.name.trim(), params: params(), cluster: f.cluster || null, match: f.match.trim() || null, forSeconds: Number(f.forSeconds) || 0, channelIds: f.channelIds };
    change.mutate(rule ? { method: "PUT", url: `/api/notifications/rules/${rule.id}`, body } : { method: "POST", url: "/api/notifications/rules", body }, {
      onSuccess: () => {
        setDone(rule ? `Saved ${body.name}.` : `Added ${body.name}: it is checked after the next sweep.`);
        if (rule) onDone();
        else setF(defaults(null));
      },
    });
  };

  const usable = channels.filter((c) => c.enabled);
  return (
    <form onSubmit={submit} aria-label={rule ? `Edit the rule ${rule.name}` : "Add a rule"} className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="rule-form">
      <p className="text-sm font-medium">{rule ? `Edit ${rule.name}` : "Add a rule"}</p>
      <div className="flex flex-wrap items-end gap-2">
        <label className={label}>
          Name
          <input className={input} value={f.name} onChange={(e) => set({ name: e.target.value })} required maxLength={100} placeholder="consumers in trouble" data-testid="rule-name" />
        </label>
        <label className={label}>
          Fires when
          <select className={input} value={f.kind} disabled={Boolean(rule)} onChange={(e) => set({ kind: e.target.value as RuleKind })} data-testid="rule-kind">
            {RULE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        {f.kind === "time-to-drain" ? (
          <>
            <label className={label}>
              Above (minutes)
              <input className={`${input} w-28`} type="number" min={1} step="any" value={f.aboveMinutes} onChange={(e) => set({ aboveMinutes: e.target.value })} required />
            </label>
            <label className="flex h-9 items-center gap-2 text-sm">
              <input type="checkbox" checked={f.includeNotDraining} onChange={(e) => set({ includeNotDraining: e.target.checked })} />
              also when not draining at all
            </label>
          </>
        ) : null}
        {f.kind === "oldest-message-age" ? (
          <>
            <label className={label}>
              Older than (minutes)
              <input className={`${input} w-28`} type="number" min={1} step="any" value={f.oldestMinutes} onChange={(e) => set({ oldestMinutes: e.target.value })} required data-testid="rule-oldest-minutes" />
            </label>
            <label className="flex h-9 items-center gap-2 text-sm">
              <input type="checkbox" checked={f.includeEstimates} onChange={(e) => set({ includeEstimates: e.target.checked })} />
              also on estimates (where the broker does not tell the age)
            </label>
          </>
        ) : null}
        {f.kind === "dead-letter-inflow" ? (
          <label className={label}>
            Dead letters per minute above
            <input className={`${input} w-28`} type="number" min={0} step="any" value={f.perMinute} onChange={(e) => set({ perMinute: e.target.value })} required />
          </label>
        ) : null}
      </div>
      {f.kind === "consumer-state" ? (
        <fieldset className="flex flex-wrap items-center gap-3 text-sm">
          <legend className="mb-1 text-xs text-zinc-600 dark:text-zinc-400">A consumer enters</legend>
          {ALERT_STATES.map((s) => (
            <label key={s} className="flex items-center gap-1.5">
              <input
                type="checkbox"
                checked={f.states.includes(s)}
                onChange={(e) => set({ states: e.target.checked ? [...f.states, s] : f.states.filter((x) => x !== s) })}
                data-testid={`rule-state-${s}`}
              />
              {s}
            </label>
          ))}
        </fieldset>
      ) : null}
      <div className="flex flex-wrap items-end gap-2">
        <label className={label}>
          Cluster
          <select className={input} value={f.cluster} onChange={(e) => set({ cluster: e.target.value })} data-testid="rule-cluster">
            <option value="">every cluster</option>
            {clusters.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className={label}>
          Only names matching (vhost/queue, stream/consumer; * = anything)
          <input className={`${input} w-80`} value={f.match} onChange={(e) => set({ match: e.target.value })} placeholder="orders/*" data-testid="rule-match" />
        </label>
        <label className={label}>
          Holding for at least (s)
          <input className={`${input} w-28`} type="number" min={0} max={86400} value={f.forSeconds} onChange={(e) => set({ forSeconds: e.target.value })} />
        </label>
      </div>
      <fieldset className="flex flex-wrap items-center gap-3 text-sm">
        <legend className="mb-1 text-xs text-zinc-600 dark:text-zinc-400">Send to</legend>
        {usable.length === 0 ? <span className={muted}>add a channel first</span> : null}
        {usable.map((c) => (
          <label key={c.id} className="flex items-center gap-1.5">
            <input
              type="checkbox"
              checked={f.channelIds.includes(c.id)}
              onChange={(e) => set({ channelIds: e.target.checked ? [...f.channelIds, c.id] : f.channelIds.filter((x) => x !== c.id) })}
              data-testid={`rule-channel-${c.name}`}
            />
            {c.name}
          </label>
        ))}
      </fieldset>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" className={primary} disabled={change.isPending} data-testid="rule-submit">
          {change.isPending ? "Saving…" : rule ? "Save rule" : "Add rule"}
        </button>
        {rule ? (
          <button type="button" className={secondary} onClick={onDone}>
            Cancel
          </button>
        ) : null}
        {change.error ? (
          <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
            {change.error.message}
          </p>
        ) : done ? (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
            {done}
          </p>
        ) : null}
      </div>
    </form>
  );
}
