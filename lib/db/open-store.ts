import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { RedriveConfig } from "@/lib/config";
import { AppError, describeError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { PrismaClient } from "./generated/client";
import { createPglite } from "./create-pglite";
import { applyMigrations, readMigrations, type MigrationReport } from "./migrate";
import { pgliteRunner, pgRunner } from "./sql-runner";
import { claimStoreFolder } from "./store-folder/claim-store-folder";
import { controlAddress } from "./store-folder/control-address";
import { serveStoreControl } from "./store-folder/serve-store-control";
import { storeControlOp } from "./store-folder/store-control-ops";

export type Store = {
  prisma: PrismaClient;
  kind: "postgres" | "embedded";
  migrations: MigrationReport;
  close(): Promise<void>;
};

const CONNECT_TIMEOUT_MS = 5000;

/**
 * The store's connections. Each turns PostgreSQL's JIT compilation off for itself before its first
 * query: Redrive's statements are short, and on large ones (a job's census of 100,000 letters, the
 * inbox at a million) the planner's cost passes JIT's thresholds and compiling took 350–620 ms of a
 * 750–1,200 ms statement. A session setting, so it asks nothing of the server's configuration and
 * passes through a connection pooler (no startup option).
 */
function storePool(url: string): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: 10,
    // Awaited by the pool before it hands the new connection out. A server without JIT's setting
    // (before PostgreSQL 11) answers with an error: the connection is used as it is.
    onConnect: async (client) => {
      await client.query("SET jit = off").catch((e: unknown) => log.warn("could not turn JIT off for a store connection", { error: describeError(e) }));
    },
  });
}

/** Opens the store named by the config and brings its schema up to date. */
export async function openStore(database: RedriveConfig["database"], migrationsDir?: string): Promise<Store> {
  const migrations = await readMigrations(migrationsDir);
  if (database.kind === "postgres") {
    const client = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    let report: MigrationReport;
    try {
      await client.connect();
      report = await applyMigrations(pgRunner(client), migrations);
    } catch (e) {
      throw storeError(e, "PostgreSQL (DATABASE_URL)");
    } finally {
      await client.end().catch(() => undefined);
    }
    const adapter = new PrismaPg(storePool(database.url), { disposeExternalPool: true });
    const prisma = new PrismaClient({ adapter });
    return { prisma, kind: "postgres", migrations: report, close: () => prisma.$disconnect() };
  }

  // Embedded PostgreSQL for a newcomer with no database server. Exactly one process owns the
  // folder: the claim comes first (a second start stops here, naming the owner) and is given back
  // last, after the database is closed. The owner answers audit:verify through its control socket.
  const control = controlAddress(database.dataDir);
  const claim = await claimStoreFolder(database.dataDir, "server", control);
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  let db;
  let report: MigrationReport;
  try {
    db = await createPglite(database.dataDir);
    report = await applyMigrations(pgliteRunner(db), migrations);
  } catch (e) {
    await db?.close().catch(() => undefined);
    await claim.release();
    throw storeError(e, `the embedded database in ${database.dataDir}`);
  }
  const opened = db;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(opened) });
  // A PGlite transaction holds the only session: nothing else reads or writes until the walk ends,
  // so it sees one instant of the log (the pause is the price; the embedded store is for small installs).
  const server = await serveStoreControl(control, async (request) => {
    const run = storeControlOp(request.op);
    if (!run) throw new Error(`this Redrive process does not answer ${request.op}`);
    return opened.transaction((tx) => run(pgliteRunner(tx), request));
  }).catch((e: unknown) => {
    log.warn("audit:verify cannot reach this process while it runs: its control socket could not be opened", { socket: control, error: describeError(e) });
    return null;
  });
  return {
    prisma,
    kind: "embedded",
    migrations: report,
    close: async () => {
      await server?.close();
      await prisma.$disconnect();
      await opened.close();
      await claim.release();
    },
  };
}

function storeError(e: unknown, what: string): AppError {
  if (isAppError(e)) return e;
  return new AppError("STORE_UNAVAILABLE", `Cannot open ${what}: ${describeError(e)}. Check that it is running and reachable.`, { cause: e });
}
