import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "@/lib/auth/authenticate";
import { authorize } from "@/lib/auth/authorize";
import { createApiToken } from "@/lib/auth/create-api-token";
import { listApiTokens } from "@/lib/auth/list-api-tokens";
import { principalFor, type Principal, type Role } from "@/lib/auth/permissions";
import { hashSecret } from "@/lib/auth/secrets";
import { updateUser } from "@/lib/auth/update-user";
import { getStore } from "@/lib/db/get-store";
import { applyMigrations, readMigrations } from "@/lib/db/migrate";
import type { Store } from "@/lib/db/open-store";
import { pgRunner } from "@/lib/db/sql-runner";
import { isAppError } from "@/lib/errors";
import { createTestDatabase } from "../support/postgres";

// An API token never has more rights than the account that made it has now: demoting the maker
// narrows it at once, disabling the maker revokes it, and no token makes tokens or accounts.

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });
const asRequest = (token: string) => new Request("http://redrive.test/api/tokens", { headers: bearer(token) });

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "accepted";
}

describe("API token rights follow their maker", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let boss: Principal;
  const accounts = new Map<string, Principal>();

  const account = async (name: string, role: Role) => {
    const row = await store.prisma.user.create({ data: { name, role, passwordHash: "not used here", createdBy: "test" } });
    const p = principalFor("user", row.id, name, role);
    accounts.set(name, p);
    return p;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-tokens-"));
    writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: "n", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] }));
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    boss = await account("boss", "admin");
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("acts with the lesser of its role and its maker's role now, and stops when the maker is disabled, for good", async () => {
    const alice = await account("alice", "admin");
    const made = await createApiToken({ name: "deploy", role: "admin" }, alice, "192.0.2.1");
    expect(made.maker).toEqual({ id: alice.id, name: "alice", role: "admin", disabled: false });
    const first = await authenticate(bearer(made.token));
    expect(first).toMatchObject({ kind: "token", role: "admin", name: `token:${made.id}:deploy` });

    await updateUser(alice.id, { role: "operator" }, boss, null);
    const demoted = await authenticate(bearer(made.token));
    expect(demoted?.role).toBe("operator");
    expect(demoted?.permissions.has("settings:manage")).toBe(false);
    expect(demoted?.permissions.has("jobs:act")).toBe(true);
    expect((await listApiTokens()).find((t) => t.id === made.id)).toMatchObject({ role: "admin", effectiveRole: "operator", maker: { name: "alice", role: "operator", disabled: false } });

    await updateUser(alice.id, { role: "admin" }, boss, null);
    expect((await authenticate(bearer(made.token)))?.role).toBe("admin");

    await updateUser(alice.id, { disabled: true }, boss, "192.0.2.2");
    expect(await authenticate(bearer(made.token))).toBeNull();
    const row = await store.prisma.apiToken.findUniqueOrThrow({ where: { id: made.id } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.revokedBy).toBe("boss");
    // Enabling the account again does not bring its tokens back.
    await updateUser(alice.id, { disabled: false }, boss, null);
    expect(await authenticate(bearer(made.token))).toBeNull();

    const audit = await store.prisma.auditEvent.findMany({ where: { OR: [{ action: "token.revoke" }, { action: "user.update", phase: "outcome", detail: { path: ["tokensRevoked"], not: "null" } }] }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.phase, a.actor, a.address, a.target, a.result])).toEqual([
      ["user.update", "outcome", "boss", "192.0.2.2", "user:alice", "ok"],
      ["token.revoke", "event", "boss", "192.0.2.2", "token:deploy", "ok"],
    ]);
    expect(audit[0]!.detail).toEqual({ tokensRevoked: [{ id: made.id, name: "deploy" }] });
    expect(audit[1]!.detail).toEqual({ reason: "its maker, alice, was disabled" });
  });

  it("refuses a token made by an account that is disabled before the token's next request, without waiting for revocation", async () => {
    const bob = await account("bob", "operator");
    const made = await createApiToken({ name: "bob-script", role: "viewer" }, bob, null);
    expect((await authenticate(bearer(made.token)))?.role).toBe("viewer");
    // Disabled behind Redrive's back (no revocation ran): the maker's state alone stops it.
    await store.prisma.user.update({ where: { id: bob.id }, data: { disabledAt: new Date() } });
    expect(await authenticate(bearer(made.token))).toBeNull();
    expect((await listApiTokens()).find((t) => t.id === made.id)).toMatchObject({ effectiveRole: null, maker: { name: "bob", disabled: true }, revokedAt: null });
  });

  it("lets no token manage accounts or tokens, whatever its role, and no account make a token above its own role", async () => {
    const carol = await account("carol", "admin");
    const made = await createApiToken({ name: "carol-admin", role: "admin" }, carol, null);
    const principal = (await authenticate(bearer(made.token)))!;
    expect(principal.role).toBe("admin");
    expect(principal.permissions.has("users:manage")).toBe(false);
    expect(principal.permissions.has("settings:manage")).toBe(true);
    expect(await refusal(authorize(asRequest(made.token), "users:manage"))).toMatch(/^FORBIDDEN: Refused: API tokens may not manage accounts or API tokens/);
    expect(await refusal(createApiToken({ name: "minted", role: "admin" }, principal, null))).toMatch(/^FORBIDDEN: Refused: only an admin signed in/);
    const dave = await account("dave", "operator");
    expect(await refusal(createApiToken({ name: "dave-admin", role: "admin" }, dave, null))).toMatch(/^FORBIDDEN: Refused: a token may not have more rights than its maker/);
    expect(await store.prisma.apiToken.count({ where: { name: { in: ["minted", "dave-admin"] } } })).toBe(0);
  });

  it("keeps token names unique without case, revoked tokens included", async () => {
    const erin = await account("erin", "admin");
    await createApiToken({ name: "Prometheus", role: "viewer" }, erin, null);
    expect(await refusal(createApiToken({ name: "prometheus", role: "viewer" }, erin, null))).toMatch(/^CONFLICT: A token named "prometheus" exists already/);
    // The database holds to it even past the check (two admins at once).
    await expect(store.prisma.apiToken.create({ data: { name: "PROMETHEUS", role: "viewer", tokenHash: hashSecret("x"), prefix: "rdt_x", createdBy: "erin", createdById: erin.id } })).rejects.toThrow();
  });

  it("keeps a token made before makers were recorded working with its own role, listed as maker unknown", async () => {
    await store.prisma.apiToken.create({ data: { name: "legacy", role: "operator", tokenHash: hashSecret("rdt_legacy"), prefix: "rdt_legacy", createdBy: "someone-gone" } });
    expect((await authenticate(bearer("rdt_legacy")))?.role).toBe("operator");
    expect((await listApiTokens()).find((t) => t.name === "legacy")).toMatchObject({ maker: null, effectiveRole: "operator", createdBy: "someone-gone" });
  });
});

describe("the migration that records token makers", () => {
  it("finds makers by name (and through tokens made by tokens), and renames duplicate names", async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const all = await readMigrations();
      const at = all.findIndex((m) => m.name === "20261206030000_token_makers");
      expect(at).toBeGreaterThan(0);
      await applyMigrations(pgRunner(client), all.slice(0, at));
      const user = (name: string, disabled = false) =>
        client.query<{ id: string }>(`INSERT INTO users (name, role, password_hash, created_by, disabled_at) VALUES ($1, 'admin', 'x', 'test', $2) RETURNING id`, [name, disabled ? new Date() : null]).then((r) => r.rows[0]!.id);
      const token = (name: string, createdBy: string, minutesAgo: number) =>
        client.query(`INSERT INTO api_tokens (name, role, token_hash, prefix, created_by, created_at) VALUES ($1, 'admin', md5(random()::text), 'rdt_', $2, now() - make_interval(mins => $3))`, [name, createdBy, minutesAgo]);
      const alice = await user("Alice");
      const gone = await user("gone", true);
      await token("deploy", "alice", 50);
      await token("child", "token:deploy", 40);
      await token("grandchild", "token:child", 30);
      await token("orphan", "nobody-left", 20);
      await token("twice", "gone", 10);
      await token("TWICE", "alice", 5);
      await token("twice-child", "token:twice", 4);
      await token("dup", "alice", 3);
      await token("dup", "gone", 2);
      await token("dup-child", "token:dup", 1);

      await applyMigrations(pgRunner(client), all);
      const rows = (await client.query<{ name: string; created_by_id: string | null }>(`SELECT name, created_by_id FROM api_tokens ORDER BY created_at`)).rows;
      const suffix = (rows.find((r) => r.name.startsWith("TWICE"))?.name ?? "").slice("TWICE".length);
      expect(suffix).toMatch(/^ \([0-9a-f]{8}\)$/);
      const dupSuffix = (rows.filter((r) => r.name.startsWith("dup "))[0]?.name ?? "").slice("dup".length);
      expect(dupSuffix).toMatch(/^ \([0-9a-f]{8}\)$/);
      expect(rows).toEqual([
        { name: "deploy", created_by_id: alice },
        { name: "child", created_by_id: alice },
        { name: "grandchild", created_by_id: alice },
        { name: "orphan", created_by_id: null },
        { name: "twice", created_by_id: gone },
        { name: `TWICE${suffix}`, created_by_id: alice },
        // The actor name held the token's name exactly: "token:twice" is the lower-case one.
        { name: "twice-child", created_by_id: gone },
        { name: "dup", created_by_id: alice },
        { name: `dup${dupSuffix}`, created_by_id: gone },
        // "token:dup" named one of two tokens; which one is not known, so neither maker is assumed.
        { name: "dup-child", created_by_id: null },
      ]);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
