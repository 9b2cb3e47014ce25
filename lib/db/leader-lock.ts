import "server-only";
import pg from "pg";
import type { RedriveConfig } from "@/lib/config";
import { describeError } from "@/lib/errors";

// Exactly one replica samples (and one collects): it holds a session-level advisory lock on a connection of its own.
// When that process dies its connection closes and the lock frees itself; the others try every tick.

export const SAMPLER_LOCK = 0x5244_5256; // "RDRV"
export const COLLECTOR_LOCK = 0x5244_434c; // "RDCL"

export interface LeaderLock {
  /** True while this process holds the lock; tries to take it when not. */
  ensure(): Promise<boolean>;
  release(): Promise<void>;
}

export function createLeaderLock(database: RedriveConfig["database"], onError: (message: string) => void, key = SAMPLER_LOCK): LeaderLock {
  // The embedded store belongs to one process: it is always the leader.
  if (database.kind === "embedded") return { ensure: async () => true, release: async () => {} };

  let client: pg.Client | undefined;
  let held = false;
  const drop = () => {
    const c = client;
    client = undefined;
    held = false;
    c?.end().catch(() => undefined);
  };
  return {
    async ensure() {
      if (held && client) return true;
      try {
        if (!client) {
          const c = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: 5000, application_name: key === SAMPLER_LOCK ? "redrive-sampler-lock" : "redrive-collector-lock" });
          c.on("error", (e) => {
            onError(`sampler lock connection lost: ${describeError(e)}`);
            drop();
          });
          await c.connect();
          client = c;
        }
        const r = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [key]);
        held = r.rows[0]?.ok === true;
        return held;
      } catch (e) {
        onError(`cannot take the sampler lock: ${describeError(e)}`);
        drop();
        return false;
      }
    },
    async release() {
      if (client && held) await client.query("SELECT pg_advisory_unlock($1)", [key]).catch(() => undefined);
      drop();
    },
  };
}
