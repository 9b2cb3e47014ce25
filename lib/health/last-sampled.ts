import "server-only";

// A consumer's row is written only when something in it changed, so its "last_sampled_at" says when
// it last changed. Its cluster's says when the cluster was last swept: every consumer present (not
// gone) was read then, and was as its row says.

/** When the consumer was last read: its cluster's last sweep while it is present, else its own last write. */
export function lastSampled(c: { lastSampledAt: Date | null; goneAt: Date | null }, clusterSampledAt: Date | null | undefined): Date | null {
  if (c.goneAt !== null || !clusterSampledAt) return c.lastSampledAt;
  if (c.lastSampledAt === null) return clusterSampledAt;
  return clusterSampledAt > c.lastSampledAt ? clusterSampledAt : c.lastSampledAt;
}

/** The same in SQL, for a consumer row `c` joined to its cluster `cl`. */
export const LAST_SAMPLED_SQL = `GREATEST(c."last_sampled_at", CASE WHEN c."gone_at" IS NULL THEN cl."last_sampled_at" END)`;
