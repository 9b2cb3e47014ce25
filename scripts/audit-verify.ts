/**
 * `npm run audit:verify` — checks that the audit log is whole.
 *
 *   node --conditions=react-server --import tsx scripts/audit-verify.ts
 *
 * Reads the configured store (DATABASE_URL, or the embedded one in REDRIVE_DATA_DIR), recomputes every
 * row's hash, follows the chain from the first row to the head, and prints one line. The embedded
 * store belongs to one process at a time: while Redrive runs on it, the running server does the
 * check and answers through its control socket in the folder; when it is stopped, this opens the
 * folder itself.
 * Exit codes: 0 intact, 1 broken (the line names the first broken row), 2 could not check.
 *
 * `--anchor <row>:<hash>` (repeatable) also checks that a row still has the hash recorded for it
 * earlier — a head this command printed, or one the server logs hourly ("audit chain head"), kept
 * outside the database. Someone able to rewrite the whole chain from some row on cannot hide it
 * from an anchor at or after that row.
 */
import { verifyChain, type ChainAnchor, type ChainVerdict } from "@/lib/audit/verify-chain";
import { loadConfig } from "@/lib/config";
import { openSqlSession, type SqlSession } from "@/lib/db/open-sql-session";
import { askStoreOwner } from "@/lib/db/store-folder/ask-store-owner";
import { isStoreFolderBusy } from "@/lib/db/store-folder/claim-store-folder";
import { describeOwner } from "@/lib/db/store-folder/read-store-owner";
import { describeError } from "@/lib/errors";
import { readCli } from "./cli-args";

const count = (n: number) => n.toLocaleString("en-US");

const USAGE = `usage: npm run audit:verify [-- --anchor <row>:<hash> ...]
Checks the audit log's hash chain in the store Redrive is configured with (DATABASE_URL or REDRIVE_DATA_DIR).
--anchor <row>:<hash>  also check that row still has the hash recorded for it earlier (a head this
                       command printed, or one the server logged as "audit chain head"); repeatable.
Exit codes: 0 intact, 1 broken, 2 could not check.`;

/** The --anchor values as anchors, or a sentence saying which one is malformed. */
function parseAnchors(values: readonly string[]): ChainAnchor[] | string {
  const anchors: ChainAnchor[] = [];
  for (const value of values) {
    const m = /^(\d{1,19}):([0-9a-fA-F]{64})$/.exec(value);
    if (!m) return `--anchor takes <row>:<hash>, a row id and its 64-hex-digit hash (as "audit log intact" prints them), not "${value}"`;
    anchors.push({ id: BigInt(m[1]!).toString(), hash: m[2]!.toLowerCase() });
  }
  return anchors;
}

async function main(): Promise<number> {
  const args = readCli(process.argv.slice(2), { anchor: { type: "string", multiple: true } }, USAGE, "audit:verify");
  if (typeof args === "number") return args;
  const anchors = parseAnchors(args.anchor ?? []);
  if (typeof anchors === "string") {
    console.error(`audit:verify could not check the audit log: ${anchors}.\n${USAGE}`);
    return 2;
  }
  let session: SqlSession | undefined;
  try {
    const config = loadConfig();
    let v: ChainVerdict | undefined;
    let by = "";
    try {
      session = await openSqlSession(config.database);
    } catch (e) {
      // The embedded store is open in the running Redrive: it does the check and answers.
      if (!isStoreFolderBusy(e) || e.details.owner.role !== "server" || !e.details.owner.control) throw e;
      v = (await askStoreOwner(e.details.owner, { op: "verify-audit", anchors })) as ChainVerdict;
      by = ` (checked by ${describeOwner(e.details.owner)})`;
    }
    if (!v) {
      const runner = session!.runner;
      const [has] = await runner.query<{ head: string | null }>(`SELECT to_regclass('public.audit_chain_head')::text AS head`);
      if (!has?.head) {
        console.error("audit:verify could not check the audit log: this store has no audit chain yet. Start Redrive once against it so it applies its migrations, then run this again.");
        return 2;
      }
      v = await verifyChain(runner, { anchors });
    }
    if (v.ok) {
      const held = anchors.length ? `; ${anchors.length === 1 ? `anchor row ${anchors[0]!.id} holds` : `anchors at rows ${anchors.map((a) => a.id).join(", ")} hold`}` : "";
      console.log(`audit log intact: ${count(v.rows)} row${v.rows === 1 ? "" : "s"} verified${held}; head row ${v.head.id ?? "none"}, hash ${v.head.hash}${by}`);
      return 0;
    }
    const where = v.broken.id === null ? "at its end" : `at row ${v.broken.id}`;
    console.log(`audit log BROKEN ${where}: ${v.broken.message}. ${count(v.rows)} row${v.rows === 1 ? "" : "s"} before it verified${by}.`);
    return 1;
  } catch (e) {
    console.error(`audit:verify could not check the audit log: ${describeError(e)}`);
    return 2;
  } finally {
    await session?.close().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`audit:verify could not check the audit log: ${describeError(e)}`);
    process.exit(2);
  },
);
