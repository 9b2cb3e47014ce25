import "server-only";
import { createHash } from "node:crypto";
import pg from "pg";
import type { RedriveConfig } from "@/lib/config";
import { describeError } from "@/lib/errors";

// Leadership per cluster. Every replica holds, on a connection of its own, one advisory lock per
// cluster it leads (for one role: sampling or collecting) plus a shared "member" lock that says it
// is there. When a process dies its connection closes and its locks free themselves at once; the
// others take them at their next tick. Work is shared fairly: a replica leads at most
// ceil(clusters ÷ members) clusters, hands one back per tick while it leads more (a new replica
// takes it), and takes a cluster over its share only once it has been free for two intervals
// (nobody else has it configured: a rolling deploy), keeping that one a while so nothing flaps.
// Advisory locks belong to one database, i.e. one store: replicas of one installation share them,
// another installation (its own store) leads its own copy of every cluster.

export const SAMPLER_LOCK = 0x5244_5256; // "RDRV"
export const COLLECTOR_LOCK = 0x5244_434c; // "RDCL"

/** The store-wide upkeep (rollups, retention, notification rules) of a role: one replica. */
const UPKEEP = 0;
/** A cluster taken because nobody else took it is kept this long before it may be handed back. */
const ORPHAN_KEEP_MS = 10 * 60_000;

export interface LeaderLock {
  /** True while this process leads (for a lock of one key: holds it; per cluster: leads any cluster). */
  ensure(): Promise<boolean>;
  /** Hands everything back. */
  release(): Promise<void>;
  /**
   * Per-cluster leadership: of `clusters` (this replica's configured ones), those it leads after this
   * call. `handBack` is awaited before a cluster is given up, so its work stops before another takes it.
   */
  claim?(clusters: string[], intervalMs: number, handBack?: (cluster: string) => Promise<void>): Promise<Set<string>>;
  /** Whether this replica does the role's store-wide upkeep. */
  upkeep?(): Promise<boolean>;
  /** Called once the connection holding the locks is lost (every cluster is gone with it). */
  onLost?(fn: () => void): void;
}

/** A stable 31-bit key for a cluster (never UPKEEP). Two names can share a key: whoever holds it leads both. */
export function clusterKey(name: string): number {
  const n = createHash("sha256").update(name).digest().readUInt32BE(0) & 0x7fff_ffff;
  return n === UPKEEP ? 1 : n;
}

/** Everything granted in this database under the role's namespace, and the members. */
type LockView = { members: number; holders: Map<number, number>; upkeepHolder: number | null };

export function createLeaderLock(database: RedriveConfig["database"], onError: (message: string) => void, role = SAMPLER_LOCK): LeaderLock {
  // The embedded store belongs to one process: it leads everything.
  if (database.kind === "embedded") return { ensure: async () => true, release: async () => {}, claim: async (clusters) => new Set(clusters), upkeep: async () => true };

  const url = database.url;
  const what = role === SAMPLER_LOCK ? "sampler" : role === COLLECTOR_LOCK ? "collector" : `lock ${role}`;
  let client: pg.Client | undefined;
  let pid = 0;
  let member = false;
  /** Cluster keys this connection holds, by key → the cluster names under it (usually one). */
  const mine = new Map<number, string[]>();
  let upkeepHeld = false;
  /** When each free key was first seen free by this replica. */
  const freeSince = new Map<number, number>();
  /** Keys taken over the fair share (orphans) → until when they are kept. */
  const keepUntil = new Map<number, number>();
  const lost: Array<() => void> = [];

  const drop = () => {
    const c = client;
    const had = mine.size > 0 || upkeepHeld;
    client = undefined;
    member = false;
    upkeepHeld = false;
    mine.clear();
    keepUntil.clear();
    c?.end().catch(() => undefined);
    if (had) for (const fn of lost) fn();
  };

  async function connect(): Promise<pg.Client> {
    if (client) return client;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: `redrive-${what}-lock` });
    c.on("error", (e) => {
      onError(`${what} lock connection lost: ${describeError(e)}`);
      if (client === c) drop();
    });
    await c.connect();
    pid = (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    client = c;
    return c;
  }

  /** The shared member lock (the one-key form of the role's number): its holders are the replicas. */
  async function join(c: pg.Client): Promise<boolean> {
    if (member) return true;
    const r = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock_shared($1::int8) AS ok", [role]);
    member = r.rows[0]?.ok === true;
    return member;
  }

  async function view(c: pg.Client): Promise<LockView> {
    const r = await c.query<{ objsubid: number; objid: string; pid: number }>(
      `SELECT l."objsubid", l."objid"::text AS objid, l."pid" FROM pg_locks l
       WHERE l."locktype" = 'advisory' AND l."granted" AND l."database" = (SELECT "oid" FROM pg_database WHERE "datname" = current_database())
         AND ((l."objsubid" = 1 AND l."classid" = 0::oid AND l."objid" = $1::oid) OR (l."objsubid" = 2 AND l."classid" = $1::oid))`,
      [role],
    );
    const members = new Set<number>();
    const holders = new Map<number, number>();
    let upkeepHolder: number | null = null;
    for (const row of r.rows) {
      const key = Number(row.objid);
      if (row.objsubid === 1) members.add(row.pid);
      else if (key === UPKEEP) upkeepHolder = row.pid;
      else holders.set(key, row.pid);
    }
    return { members: Math.max(1, members.size), holders, upkeepHolder };
  }

  async function unlock(c: pg.Client, key: number): Promise<void> {
    await c.query("SELECT pg_advisory_unlock($1::int4, $2::int4)", [role, key]);
    mine.delete(key);
    keepUntil.delete(key);
  }

  async function tryLock(c: pg.Client, key: number): Promise<boolean> {
    const r = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::int4, $2::int4) AS ok", [role, key]);
    return r.rows[0]?.ok === true;
  }

  return {
    onLost: (fn) => void lost.push(fn),

    async ensure() {
      if (client && member && (mine.size > 0 || upkeepHeld)) return true;
      // A lock of one key: leadership of everything, taken as the upkeep lock with no clusters.
      return this.upkeep!();
    },

    async upkeep() {
      try {
        const c = await connect();
        if (!(await join(c))) return false;
        if (!upkeepHeld) upkeepHeld = await tryLock(c, UPKEEP);
        return upkeepHeld;
      } catch (e) {
        onError(`cannot take the ${what} upkeep lock: ${describeError(e)}`);
        drop();
        return false;
      }
    },

    async claim(clusters, intervalMs, handBack) {
      const byKey = new Map<number, string[]>();
      for (const name of clusters) {
        const key = clusterKey(name);
        byKey.set(key, [...(byKey.get(key) ?? []), name]);
      }
      try {
        const c = await connect();
        // An older Redrive holding the whole-installation lock (one key, exclusive) keeps every cluster until it stops.
        if (!(await join(c))) return new Set();
        const now = Date.now();
        const v = await view(c);
        // What this replica holds, as the database says (a lost connection loses them all).
        for (const key of [...mine.keys()]) if (v.holders.get(key) !== pid) mine.delete(key);
        // Clusters no longer configured here are handed back.
        for (const [key, names] of [...mine]) {
          const kept = byKey.get(key);
          if (kept) {
            for (const name of names) if (!kept.includes(name)) await handBack?.(name);
            mine.set(key, kept);
            continue;
          }
          for (const name of names) await handBack?.(name);
          await unlock(c, key);
        }
        const total = new Set([...byKey.keys(), ...v.holders.keys()]).size;
        const share = Math.ceil(total / v.members);
        for (const key of v.holders.keys()) freeSince.delete(key);
        // Over the share: hand one back per tick, never one taken because nobody else would.
        const sheddable = [...mine.keys()].filter((k) => (keepUntil.get(k) ?? 0) <= now).sort((a, b) => a - b);
        if (mine.size > share && sheddable.length > 0) {
          const key = sheddable[sheddable.length - 1]!;
          for (const name of mine.get(key)!) await handBack?.(name);
          await unlock(c, key);
          freeSince.set(key, now);
        }
        // Free clusters: taken up to the share; over it only once free for two intervals.
        const free = [...byKey.keys()].filter((k) => !v.holders.has(k) && !mine.has(k)).sort((a, b) => (a ^ pid) - (b ^ pid));
        for (const key of free) {
          const seen = freeSince.get(key) ?? now;
          freeSince.set(key, seen);
          const orphan = now - seen >= 2 * intervalMs;
          if (mine.size >= share && !orphan) continue;
          if (!(await tryLock(c, key))) continue;
          mine.set(key, byKey.get(key)!);
          freeSince.delete(key);
          if (mine.size > share) keepUntil.set(key, now + ORPHAN_KEEP_MS);
        }
        return new Set([...mine.values()].flat());
      } catch (e) {
        onError(`cannot take the ${what} cluster locks: ${describeError(e)}`);
        drop();
        return new Set();
      }
    },

    async release() {
      const c = client;
      if (c) {
        for (const key of [...mine.keys()]) await unlock(c, key).catch(() => undefined);
        if (upkeepHeld) await c.query("SELECT pg_advisory_unlock($1::int4, $2::int4)", [role, UPKEEP]).catch(() => undefined);
        if (member) await c.query("SELECT pg_advisory_unlock_shared($1::int8)", [role]).catch(() => undefined);
      }
      lost.length = 0;
      drop();
    },
  };
}
