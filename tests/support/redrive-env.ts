import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getStore } from "@/lib/db/get-store";
import { openStore, type Store } from "@/lib/db/open-store";
import { createTestDatabase } from "./postgres";
import { TcpProxy } from "./tcp-proxy";

// One Redrive "process" for a test file: its own database (reached through a TCP proxy, so a test
// can take PostgreSQL away), its own config file, and the process environment the lib functions
// read (REDRIVE_CONFIG, DATABASE_URL), set before anything reads and caches them.

export type RedriveEnv = {
  id: string;
  /** The store the lib functions use (getStore()), through `pgProxy`. */
  store: Store;
  /** A second store straight to the database, for reading while the proxy is cut. */
  direct: Store;
  pgProxy: TcpProxy;
  /** DATABASE_URL as the lib sees it (through the proxy) and straight to the server. */
  databaseUrl: string;
  directUrl: string;
  configPath: string;
  close(): Promise<void>;
};

export const uniqueId = () => randomBytes(3).toString("hex");

export async function createRedriveEnv(config: { clusters: unknown[]; redrive?: Record<string, unknown>; [k: string]: unknown }, id = uniqueId()): Promise<RedriveEnv> {
  const db = await createTestDatabase("redrive_fault");
  const pgProxy = new TcpProxy(5432);
  const port = await pgProxy.start();
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-fault-"));
  const configPath = path.join(dir, "redrive.config.json");
  writeFileSync(configPath, JSON.stringify(config));
  const databaseUrl = `postgresql://postgres@127.0.0.1:${port}/${db.name}`;
  process.env.REDRIVE_CONFIG = configPath;
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDRIVE_LOG_LEVEL ??= "warn";
  const store = await getStore();
  const direct = await openStore({ kind: "postgres", url: db.url });
  return {
    id,
    store,
    direct,
    pgProxy,
    databaseUrl,
    directUrl: db.url,
    configPath,
    async close() {
      await pgProxy.restore().catch(() => undefined);
      await store.close().catch(() => undefined);
      await direct.close().catch(() => undefined);
      await pgProxy.cut();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
