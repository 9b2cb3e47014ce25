import "server-only";
import { existsSync } from "node:fs";
import pg from "pg";
import type { RedriveConfig } from "@/lib/config";
import { AppError, describeError } from "@/lib/errors";
import { createPglite } from "./create-pglite";
import { pgliteRunner, pgRunner, type SqlRunner } from "./sql-runner";
import { claimStoreFolder } from "./store-folder/claim-store-folder";

export type SqlSession = { runner: SqlRunner; kind: "postgres" | "embedded"; close(): Promise<void> };

const CONNECT_TIMEOUT_MS = 5000;

/**
 * One plain SQL session on the configured store, for tools that read it (the audit verifier):
 * unlike openStore it applies no migration and never creates an embedded store that is not there.
 */
export async function openSqlSession(database: RedriveConfig["database"]): Promise<SqlSession> {
  if (database.kind === "postgres") {
    const client = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw new AppError("STORE_UNAVAILABLE", `Cannot open PostgreSQL (DATABASE_URL): ${describeError(e)}. Check that it is running and reachable.`, { cause: e });
    }
    return { runner: pgRunner(client), kind: "postgres", close: () => client.end() };
  }
  if (!existsSync(/*turbopackIgnore: true*/ database.dataDir)) {
    throw new AppError("STORE_UNAVAILABLE", `There is no embedded store in ${database.dataDir}. Set DATABASE_URL, or REDRIVE_DATA_DIR to the folder Redrive keeps its data in.`);
  }
  // Only while nobody else has it: the folder is claimed for as long as the session is open, so a
  // Redrive starting meanwhile waits its turn (it stops, naming this tool) rather than sharing it.
  const claim = await claimStoreFolder(database.dataDir, "tool");
  let db;
  try {
    db = await createPglite(database.dataDir);
  } catch (e) {
    await claim.release();
    throw new AppError("STORE_UNAVAILABLE", `Cannot open the embedded database in ${database.dataDir}: ${describeError(e)}.`, { cause: e });
  }
  const opened = db;
  return {
    runner: pgliteRunner(opened),
    kind: "embedded",
    close: async () => {
      await opened.close();
      await claim.release();
    },
  };
}
