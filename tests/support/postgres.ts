import { randomBytes } from "node:crypto";
import pg from "pg";

// Each test file gets its own database on the local server, dropped afterwards.
export const ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

/** One query on its own connection, for tests that read what Redrive wrote; returns the rows. */
export async function queryRows<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

export async function createTestDatabase(prefix = "redrive_it"): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await queryRows(ADMIN_URL, `CREATE DATABASE "${name}"`);
  return {
    name,
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      await queryRows(ADMIN_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
