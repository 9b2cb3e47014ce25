import "server-only";
import { mkdir } from "node:fs/promises";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { RedriveConfig } from "@/lib/config";
import { AppError, describeError, isAppError } from "@/lib/errors";
import { PrismaClient } from "./generated/client";
import { applyMigrations, readMigrations, type MigrationReport } from "./migrate";
import { pgliteRunner, pgRunner } from "./sql-runner";

export type Store = {
  prisma: PrismaClient;
  kind: "postgres" | "embedded";
  migrations: MigrationReport;
  close(): Promise<void>;
};

const CONNECT_TIMEOUT_MS = 5000;

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
    const adapter = new PrismaPg({ connectionString: database.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, max: 10 });
    const prisma = new PrismaClient({ adapter });
    return { prisma, kind: "postgres", migrations: report, close: () => prisma.$disconnect() };
  }

  // Embedded PostgreSQL for a newcomer with no database server: one process owns the folder.
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  let db;
  let report: MigrationReport;
  try {
    await mkdir(database.dataDir, { recursive: true });
    db = await PGlite.create(database.dataDir);
    report = await applyMigrations(pgliteRunner(db), migrations);
  } catch (e) {
    await db?.close().catch(() => undefined);
    throw storeError(e, `the embedded database in ${database.dataDir}`);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    prisma,
    kind: "embedded",
    migrations: report,
    close: async () => {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

function storeError(e: unknown, what: string): AppError {
  if (isAppError(e)) return e;
  return new AppError("STORE_UNAVAILABLE", `Cannot open ${what}: ${describeError(e)}. Check that it is running and reachable.`, { cause: e });
}
