import "server-only";
import type { SqlRunner } from "@/lib/db/sql-runner";
import { answerStoreControl } from "@/lib/db/store-folder/store-control-ops";
import { auditRowHash, CANONICAL_COLUMNS_SQL, GENESIS_HASH, hashFieldsOf, type CanonicalRow } from "./chain-hash";

// Walks the whole audit log in id order, a batch at a time (memory stays flat at millions of
// rows), recomputing every row's hash in JavaScript from its stored fields and checking that each
// row names the one before it and that the last row is the head. Stops at the first break.
// It reads inside one REPEATABLE READ transaction, so the head and every batch are the same
// instant of the log however long the walk takes: `db` must be one session (a pg.Client or
// PGlite), not a pool.

export type ChainHead = { id: string | null; hash: string };

/**
 * What the first break means:
 * - `hash`: the row's fields no longer give its stored hash — the row was altered after it was written.
 * - `link`: the row's prev_hash is not the hash of the row before it — rows before it were removed or reordered.
 * - `head`: the last row is not the one the head names — rows at the end were removed (or the head was altered).
 * - `anchor`: a row's hash is not the one recorded for it earlier (a head printed by an earlier run
 *   or logged by the server, kept elsewhere), or that row is gone — the chain was rewritten from
 *   some row up to it, every hash after the change recomputed.
 */
export type ChainBreak = {
  kind: "hash" | "link" | "head" | "anchor";
  /** The row at which the chain breaks (for `head`, the last row found, or null when none is). */
  id: string | null;
  /** The row before it, when there is one. */
  previousId: string | null;
  expected: string;
  found: string;
  message: string;
};

export type ChainVerdict = { ok: true; rows: number; head: ChainHead } | { ok: false; rows: number; head: ChainHead; broken: ChainBreak };

type HeadRow = { last_id: string | null; last_hash: string };

const short = (h: string | null) => (h ? h.slice(0, 16) : "nothing");

/** A row's hash as recorded at some earlier time, outside the database. */
export type ChainAnchor = { id: string; hash: string };

/**
 * `inSnapshot`: the caller already holds a consistent view for the whole walk (the embedded store's
 * exclusive transaction, in which nothing else can write), so no transaction of its own is opened.
 */
export async function verifyChain(db: SqlRunner, opts: { batchSize?: number; anchors?: ChainAnchor[]; inSnapshot?: boolean } = {}): Promise<ChainVerdict> {
  const anchors = new Map((opts.anchors ?? []).map((a) => [a.id, a.hash.toLowerCase()]));
  if (opts.inSnapshot) return walk(db, opts.batchSize ?? 5000, anchors);
  await db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    return await walk(db, opts.batchSize ?? 5000, anchors);
  } finally {
    await db.exec("COMMIT").catch(() => undefined);
  }
}

async function walk(db: SqlRunner, batchSize: number, anchors: Map<string, string>): Promise<ChainVerdict> {
  const [headRow] = await db.query<HeadRow>(`SELECT "last_id"::text AS last_id, "last_hash" FROM "audit_chain_head" WHERE "id" = 1`);
  if (!headRow) throw new Error("the audit chain has no head row (audit_chain_head is empty), so its end cannot be checked");
  const head: ChainHead = { id: headRow.last_id, hash: headRow.last_hash };

  let rows = 0;
  let prevHash = GENESIS_HASH;
  let prevId: string | null = null;
  const fail = (b: Omit<ChainBreak, "previousId">): ChainVerdict => ({ ok: false, rows, head, broken: { ...b, previousId: prevId } });

  for (;;) {
    const params: unknown[] = [batchSize];
    let where = "";
    if (prevId !== null) {
      params.push(prevId);
      where = `WHERE a."id" > $2::bigint`;
    }
    const batch = await db.query<CanonicalRow>(`SELECT ${CANONICAL_COLUMNS_SQL} FROM "audit_events" a ${where} ORDER BY a."id" LIMIT $1`, params);
    for (const r of batch) {
      if (r.prev_hash !== prevHash) {
        return fail({
          kind: "link",
          id: r.id,
          expected: prevHash,
          found: r.prev_hash ?? "",
          message:
            prevId === null
              ? `row ${r.id} is the first row but does not start the chain (prev_hash ${short(r.prev_hash)}…, expected the genesis hash): rows before it were removed`
              : `row ${r.id} does not follow row ${prevId} (its prev_hash ${short(r.prev_hash)}… is not row ${prevId}'s hash ${short(prevHash)}…): rows between them were removed, or rows were reordered`,
        });
      }
      const recomputed = auditRowHash(prevHash, hashFieldsOf(r));
      if (r.hash !== recomputed) {
        return fail({
          kind: "hash",
          id: r.id,
          expected: recomputed,
          found: r.hash ?? "",
          message: `row ${r.id} was altered after it was written (its fields hash to ${short(recomputed)}…, the stored hash is ${short(r.hash)}…)`,
        });
      }
      const anchored = anchors.get(r.id);
      if (anchored !== undefined) {
        anchors.delete(r.id);
        if (anchored !== r.hash) {
          return fail({
            kind: "anchor",
            id: r.id,
            expected: anchored,
            found: r.hash,
            message: `row ${r.id} hashes to ${short(r.hash)}… but ${short(anchored)}… was recorded for it: the log up to row ${r.id} was rewritten, every hash after the change recomputed`,
          });
        }
      }
      prevHash = r.hash;
      prevId = r.id;
      rows++;
    }
    if (batch.length < batchSize) break;
  }

  if (prevId !== head.id || prevHash !== head.hash) {
    const message =
      head.id === null
        ? `the head says the log is empty, but it ends at row ${prevId}: the head was altered`
        : prevId === null
          ? `the head names row ${head.id}, but no row is left up to it: the log was emptied`
          : prevId !== head.id
            ? `the last row is ${prevId} but the head names row ${head.id}: rows after ${prevId} were removed`
            : `row ${prevId} is the last row but its hash is not the head's (${short(head.hash)}…): the head or the row was altered`;
    return { ok: false, rows, head, broken: { kind: "head", id: prevId, previousId: prevId, expected: head.hash, found: prevHash, message } };
  }
  // An anchored row the walk never met: removed, and the chain rebuilt without it.
  const [missing] = [...anchors.entries()].sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1));
  if (missing) {
    const [id, hash] = missing;
    return { ok: false, rows, head, broken: { kind: "anchor", id, previousId: null, expected: hash, found: "", message: `row ${id}, recorded with hash ${short(hash)}…, is no longer in the log: rows were removed and the chain rebuilt after them` } };
  }
  return { ok: true, rows, head };
}

// The owner of an embedded store answers audit:verify itself, in one snapshot (the tool cannot open
// an owned folder): registered wherever the chain can be verified, the server's boot among them.
answerStoreControl("verify-audit", (runner, request) => verifyChain(runner, { anchors: request.anchors, inSnapshot: true }));
