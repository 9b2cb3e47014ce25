/**
 * `npm run audit:verify` — checks that the audit log is whole.
 *
 *   node --conditions=react-server --import tsx scripts/audit-verify.ts
 *
 * Reads the configured store (DATABASE_URL, or the embedded one in REDRIVE_DATA_DIR; stop Redrive
 * first when it uses the embedded store, which one process at a time may open), recomputes every
 * row's hash, follows the chain from the first row to the head, and prints one line.
 * Exit codes: 0 intact, 1 broken (the line names the first broken row), 2 could not check.
 */
import { verifyChain } from "@/lib/audit/verify-chain";
import { loadConfig } from "@/lib/config";
import { openSqlSession, type SqlSession } from "@/lib/db/open-sql-session";
import { describeError } from "@/lib/errors";

const count = (n: number) => n.toLocaleString("en-US");

async function main(): Promise<number> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log("usage: npm run audit:verify\nChecks the audit log's hash chain in the store Redrive is configured with (DATABASE_URL or REDRIVE_DATA_DIR).\nExit codes: 0 intact, 1 broken, 2 could not check.");
    return 0;
  }
  let session: SqlSession | undefined;
  try {
    const config = loadConfig();
    session = await openSqlSession(config.database);
    const [has] = await session.runner.query<{ head: string | null }>(`SELECT to_regclass('public.audit_chain_head')::text AS head`);
    if (!has?.head) {
      console.error("audit:verify could not check the audit log: this store has no audit chain yet. Start Redrive once against it so it applies its migrations, then run this again.");
      return 2;
    }
    const v = await verifyChain(session.runner);
    if (v.ok) {
      console.log(`audit log intact: ${count(v.rows)} row${v.rows === 1 ? "" : "s"} verified; head row ${v.head.id ?? "none"}, hash ${v.head.hash}`);
      return 0;
    }
    const where = v.broken.id === null ? "at its end" : `at row ${v.broken.id}`;
    console.log(`audit log BROKEN ${where}: ${v.broken.message}. ${count(v.rows)} row${v.rows === 1 ? "" : "s"} before it verified.`);
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
