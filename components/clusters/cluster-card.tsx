import type { ClusterStatus } from "@/lib/clusters/cluster-status";
import { Badge, type Tone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { describeManagement } from "./describe-management";

const STATE: Record<ClusterStatus["state"], { tone: Tone; label: string }> = {
  up: { tone: "ok", label: "Reachable" },
  degraded: { tone: "warn", label: "Degraded" },
  down: { tone: "bad", label: "Unreachable" },
  unknown: { tone: "neutral", label: "Checking…" },
};

const KIND_LABEL = { nats: "NATS JetStream", rabbitmq: "RabbitMQ" } as const;
const DETAIL_LABEL: Record<string, string> = { jetstream: "JetStream", erlang: "Erlang", cluster: "Cluster name" };

export function ClusterCard({ cluster }: { cluster: ClusterStatus }) {
  const state = STATE[cluster.state];
  const version = cluster.serverVersion ?? cluster.lastKnownVersion;
  return (
    <Card data-testid="cluster-card" data-cluster={cluster.name} data-state={cluster.state} aria-label={`Cluster ${cluster.name}`}>
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 className="truncate font-semibold">{cluster.name}</h2>
          <p className="text-sm text-zinc-500 dark:text-zinc-400">{KIND_LABEL[cluster.kind]}</p>
        </div>
        <Badge tone={state.tone} data-testid="cluster-state">
          {state.label}
        </Badge>
      </div>

      <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500 dark:text-zinc-400">Version</dt>
        <dd data-testid="cluster-version">
          {version ? (cluster.reachable ? version : `${version} (last seen)`) : "—"}
        </dd>
        {cluster.management ? (
          <>
            <dt className="text-zinc-500 dark:text-zinc-400">Management API</dt>
            <dd data-testid="cluster-management">{describeManagement(cluster.management)}</dd>
          </>
        ) : null}
        {Object.entries(cluster.details).map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-zinc-500 dark:text-zinc-400">{DETAIL_LABEL[k] ?? k}</dt>
            <dd className="break-words">{v}</dd>
          </div>
        ))}
        <dt className="text-zinc-500 dark:text-zinc-400">{cluster.state === "unknown" ? "Watching since" : `${state.label} since`}</dt>
        <dd data-testid="cluster-since">
          <RelativeTime iso={cluster.since} />
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Last checked</dt>
        <dd>{cluster.checkedAt ? <RelativeTime iso={cluster.checkedAt} withClock={false} /> : "not yet"}{cluster.latencyMs !== null ? ` · ${cluster.latencyMs} ms` : ""}</dd>
      </dl>

      {cluster.error ? (
        <p role="status" data-testid="cluster-error" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm break-words text-rose-900 dark:bg-rose-500/10 dark:text-rose-200">
          {cluster.error}
        </p>
      ) : null}
    </Card>
  );
}
