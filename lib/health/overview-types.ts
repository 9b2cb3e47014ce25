// What GET /api/overview/consumers serves: consumer health per cluster and the worst consumers.
// Client-safe: type imports only, no server modules.

import type { BrokerKind } from "@/lib/brokers/types";
import type { ConsumerSummary, HealthState } from "./types";

export type ClusterConsumerCounts = {
  cluster: string;
  kind: BrokerKind;
  total: number;
  /** Every state present as a key, 0 when none. */
  byState: Record<HealthState, number>;
  /** Sum of the cluster's consumers' backlogs. */
  backlog: number;
};

export type ConsumerOverview = {
  clusters: ClusterConsumerCounts[];
  /** Up to 10, worst first by impact (state, backlog, growth, time in state). */
  worst: ConsumerSummary[];
  /** How many consumers are not OK in all (worst holds the first of them). */
  troubled: number;
  /** Clusters whose latest sweep failed, with what failed. */
  sweepErrors: Array<{ cluster: string; error: string }>;
  /** The latest sample behind these numbers; null when nothing has been sampled yet. */
  sampledAt: string | null;
};
