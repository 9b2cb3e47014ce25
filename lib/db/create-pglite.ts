import "server-only";
import type { PGlite } from "@electric-sql/pglite";

/**
 * Opens the embedded database in `dataDir` with the extensions the migrations use (pg_trgm for
 * the inbox's payload search index), so the same migrations run on both stores. Every opener of
 * the folder goes through here: an index built with an extension cannot be read without it.
 */
export async function createPglite(dataDir: string): Promise<PGlite> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  return PGlite.create(dataDir, { extensions: { pg_trgm } });
}
