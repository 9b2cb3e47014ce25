import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrationChecksum, readMigrations } from "@/lib/db/migrate";

describe("migrations on disk", () => {
  it("are read in name order with the SHA-256 checksum prisma migrate records", async () => {
    const list = await readMigrations(path.join(process.cwd(), "prisma/migrations"));
    expect(list.length).toBeGreaterThan(0);
    expect(list.map((m) => m.name)).toEqual([...list.map((m) => m.name)].sort());
    for (const m of list) {
      expect(m.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
      const bytes = readFileSync(path.join(process.cwd(), "prisma/migrations", m.name, "migration.sql"));
      expect(m.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
  });

  it("ignores line-ending differences", () => {
    expect(migrationChecksum("A;\r\nB;\r\n")).toBe(migrationChecksum("A;\nB;\n"));
  });
});
