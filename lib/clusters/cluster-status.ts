import type { BrokerKind, BrokerProbe, ManagementStatus } from "@/lib/brokers/types";

/** up: reachable and whole; degraded: reachable but something is missing (management API,
 *  JetStream); down: not reachable; unknown: not checked yet. */
export type ClusterState = "up" | "degraded" | "down" | "unknown";

export type ClusterStatus = {
  name: string;
  kind: BrokerKind;
  state: ClusterState;
  reachable: boolean;
  serverVersion: string | null;
  management: ManagementStatus | null;
  error: string | null;
  latencyMs: number | null;
  details: Record<string, string>;
  /** When the cluster entered its current state (ISO time). */
  since: string;
  /** When it was last checked (ISO time); null before the first check. */
  checkedAt: string | null;
  /** Last version seen while reachable, kept while it is down. */
  lastKnownVersion: string | null;
};

export function stateOf(probe: BrokerProbe): ClusterState {
  if (!probe.reachable) return "down";
  return probe.error ? "degraded" : "up";
}

/** Folds a new probe into the previous status: `since` moves only when the state changes. */
export function nextStatus(prev: ClusterStatus, probe: BrokerProbe, at: Date): ClusterStatus {
  const state = stateOf(probe);
  return {
    name: prev.name,
    kind: prev.kind,
    state,
    reachable: probe.reachable,
    serverVersion: probe.serverVersion,
    management: probe.management,
    error: probe.error,
    latencyMs: probe.latencyMs,
    details: probe.details,
    since: state === prev.state ? prev.since : at.toISOString(),
    checkedAt: at.toISOString(),
    lastKnownVersion: probe.serverVersion ?? prev.lastKnownVersion,
  };
}

export function initialStatus(name: string, kind: BrokerKind, at: Date): ClusterStatus {
  return {
    name,
    kind,
    state: "unknown",
    reachable: false,
    serverVersion: null,
    management: null,
    error: null,
    latencyMs: null,
    details: {},
    since: at.toISOString(),
    checkedAt: null,
    lastKnownVersion: null,
  };
}
