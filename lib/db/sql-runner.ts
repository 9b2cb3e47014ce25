import "server-only";
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

/** The smallest SQL surface the migration runner needs, over node-postgres or PGlite alike. */
export interface SqlRunner {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export function pgRunner(client: pg.Client | pg.PoolClient): SqlRunner {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const r = await client.query(sql, params);
      return r.rows as T[];
    },
  };
}

/** Over a PGlite instance, or one of its transactions (the same query/exec, inside it). */
export function pgliteRunner(db: Pick<PGlite, "query" | "exec">): SqlRunner {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const r = await db.query<T>(sql, params);
      return r.rows;
    },
  };
}
