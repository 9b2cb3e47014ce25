import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readMigrations } from "@/lib/db/migrate";
import { openStore, type Store } from "@/lib/db/open-store";
import { createTestDatabase } from "./postgres";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../prisma/migrations");

/**
 * A migrations folder holding only the migrations before the one whose name ends with `suffix`,
 * for a test that builds a store as it was before that migration and then upgrades it.
 */
export async function migrationsBefore(suffix: string): Promise<{ dir: string; drop(): void }> {
  const all = await readMigrations(MIGRATIONS);
  const cut = all.findIndex((m) => m.name.endsWith(suffix));
  if (cut <= 0) throw new Error(`no migration before one named …${suffix} in ${MIGRATIONS}`);
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-mig-"));
  for (const m of all.slice(0, cut)) cpSync(path.join(MIGRATIONS, m.name), path.join(dir, m.name), { recursive: true });
  cpSync(path.join(MIGRATIONS, "migration_lock.toml"), path.join(dir, "migration_lock.toml"));
  return { dir, drop: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A store of `kind` built by the migrations before the one ending in `suffix`, given data by `seed`
 * through that older schema, then reopened with every migration (the upgrade under test). `close`
 * closes it and removes its database or data folder.
 */
export async function upgradedStore<T>(
  kind: "postgres" | "embedded",
  suffix: string,
  seed: (old: Store) => Promise<T>,
): Promise<{ store: Store; seeded: T; close(): Promise<void> }> {
  const before = await migrationsBefore(suffix);
  const db = kind === "postgres" ? await createTestDatabase("redrive_upgrade") : null;
  const dataDir = kind === "embedded" ? mkdtempSync(path.join(tmpdir(), "redrive-upgrade-")) : "";
  const open = (dir?: string) => openStore(db ? { kind: "postgres", url: db.url } : { kind: "embedded", dataDir }, dir);
  let seeded: T;
  try {
    const old = await open(before.dir);
    try {
      seeded = await seed(old);
    } finally {
      await old.close();
    }
  } finally {
    before.drop();
  }
  const store = await open();
  return {
    store,
    seeded,
    async close() {
      await store.close();
      await db?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
