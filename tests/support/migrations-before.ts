import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readMigrations } from "@/lib/db/migrate";

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
