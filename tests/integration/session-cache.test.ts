import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { authenticate } from "@/lib/auth/authenticate";
import { principalFor, type Principal, type Role } from "@/lib/auth/permissions";
import { cachedSession, forgetUser, rememberSession, SESSION_CACHE_MS } from "@/lib/auth/session-cache";
import { signOut } from "@/lib/auth/sign-out";
import { hashSecret } from "@/lib/auth/secrets";
import { startSession } from "@/lib/auth/start-session";
import { updateUser } from "@/lib/auth/update-user";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { createTestDatabase } from "../support/postgres";

// A session checked against the store is trusted for a second (lib/auth/session-cache.ts). Ending
// it or changing its account through Redrive applies at the very next request; a change made
// behind this process's back (another replica, SQL) applies within that second; and the cache
// saves the store a lookup per request meanwhile.

const cookie = (token: string) => new Headers({ cookie: `redrive_session=${token}` });
// Only Date is faked (timers and I/O stay real): "a second later" is exact however slow the machine.
const freezeClock = () => vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

describe("session checks cached for a second", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let boss: Principal;

  const account = async (name: string, role: Role) => {
    const row = await store.prisma.user.create({ data: { name, role, passwordHash: "not used here", createdBy: "test" } });
    return principalFor("user", row.id, name, role);
  };
  const session = async (userId: string) => (await startSession(store.prisma, userId, { address: null, userAgent: null })).token;

  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-session-cache-"));
    writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: "n", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] }));
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    boss = await account("boss", "admin");
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("refuses a signed-out session at the next request, though it was checked a moment before", async () => {
    const ann = await account("ann", "operator");
    const token = await session(ann.id);
    const first = await authenticate(cookie(token));
    expect(first).toMatchObject({ kind: "user", name: "ann", role: "operator" });
    expect(await authenticate(cookie(token))).toMatchObject({ name: "ann", sessionId: first!.sessionId });
    await signOut(first!, null);
    expect(await authenticate(cookie(token))).toBeNull();
    expect(await store.prisma.session.count({ where: { userId: ann.id } })).toBe(0);
  });

  it("applies a role change, a disabled account and a password reset made through Redrive at the next request", async () => {
    const bob = await account("bob", "admin");
    const token = await session(bob.id);
    expect((await authenticate(cookie(token)))?.role).toBe("admin");
    await updateUser(bob.id, { role: "viewer" }, boss, null);
    const demoted = await authenticate(cookie(token));
    expect(demoted?.role).toBe("viewer");
    expect(demoted?.permissions.has("dead-letters:act")).toBe(false);

    await updateUser(bob.id, { disabled: true }, boss, null);
    expect(await authenticate(cookie(token))).toBeNull();

    await updateUser(bob.id, { disabled: false }, boss, null);
    const again = await session(bob.id);
    expect((await authenticate(cookie(again)))?.name).toBe("bob");
    await updateUser(bob.id, { password: "a brand new long password" }, boss, null);
    expect(await authenticate(cookie(again))).toBeNull();
  });

  it("refuses a session deleted or an account disabled behind its back once the cached check is a second old", async () => {
    const cy = await account("cy", "operator");
    const token = await session(cy.id);
    freezeClock();
    const seen = await authenticate(cookie(token));
    expect(seen?.name).toBe("cy");

    // Straight in the database, as another replica's sign-out would: the cached check may still
    // answer for the rest of its second, never longer.
    await store.prisma.session.deleteMany({ where: { id: seen!.sessionId } });
    expect((await authenticate(cookie(token)))?.name).toBe("cy");
    later(SESSION_CACHE_MS);
    expect(await authenticate(cookie(token))).toBeNull();

    const other = await session(cy.id);
    expect((await authenticate(cookie(other)))?.name).toBe("cy");
    await store.prisma.user.update({ where: { id: cy.id }, data: { disabledAt: new Date() } });
    later(SESSION_CACHE_MS);
    expect(await authenticate(cookie(other))).toBeNull();
    // Refused for good: the session row is gone, not only the cache entry.
    expect(await store.prisma.session.count({ where: { userId: cy.id } })).toBe(0);
  });

  it("answers from its check for under a second, then asks the store again", async () => {
    const dee = await account("dee", "viewer");
    const token = await session(dee.id);
    freezeClock();
    expect((await authenticate(cookie(token)))?.name).toBe("dee");
    // A role changed in SQL is not seen while the check is fresh (this is the bounded window) ...
    await store.prisma.user.update({ where: { id: dee.id }, data: { role: "operator" } });
    expect((await authenticate(cookie(token)))?.role).toBe("viewer");
    // ... and is seen once it has aged out.
    later(SESSION_CACHE_MS - 1);
    expect((await authenticate(cookie(token)))?.role).toBe("viewer");
    later(1);
    expect((await authenticate(cookie(token)))?.role).toBe("operator");
  });

  it("does not remember a check that began before its account was changed (its read may predate the change)", async () => {
    const eve = await account("eve", "admin");
    const token = await session(eve.id);
    freezeClock();
    const began = Date.now();
    const seen = await authenticate(cookie(token));
    expect(seen?.sessionId).toBeTruthy();
    const principal = { ...seen!, sessionId: seen!.sessionId! };
    later(5);
    forgetUser(eve.id);
    rememberSession(hashSecret(token), { principal, lastSeenAt: began, expiresAt: began + 60_000, checkedAt: began });
    expect(cachedSession(hashSecret(token), Date.now())).toBeNull();
    // A check that began after the change is remembered as usual.
    later(5);
    rememberSession(hashSecret(token), { principal, lastSeenAt: Date.now(), expiresAt: Date.now() + 60_000, checkedAt: Date.now() });
    expect(cachedSession(hashSecret(token), Date.now())?.principal.name).toBe("eve");
  });
});
