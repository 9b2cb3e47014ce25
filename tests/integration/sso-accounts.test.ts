import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "@/lib/auth/authenticate";
import { principalFor } from "@/lib/auth/permissions";
import { signIn } from "@/lib/auth/sign-in";
import { signInSso, type SsoIdentity } from "@/lib/auth/sign-in-sso";
import { updateUser } from "@/lib/auth/update-user";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { isAppError } from "@/lib/errors";
import { createTestDatabase } from "../support/postgres";

// Accounts made by single sign-on, against a real PostgreSQL: made on first sight without a
// password, role from the groups at every sign-in (audited when it changes), tied to their
// identity rather than their name, disabled ones refused; and the proxy's headers through authenticate().

const SECRET = "a shared proxy secret for the integration test";
const RULES = { groupRoles: { "ops-oncall": "operator", "ops-admins": "admin" } as const, defaultRole: null };

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "accepted";
}

describe("single sign-on accounts", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  const identity = (over: Partial<SsoIdentity>): SsoIdentity => ({
    via: "oidc",
    issuer: "https://idp.test",
    subject: "s-1",
    name: "erin",
    groups: ["ops-oncall"],
    ...over,
  });
  const audit = (target: string) =>
    store.prisma.auditEvent
      .findMany({ where: { target }, orderBy: { id: "asc" }, select: { action: true, result: true, detail: true } })
      .then((rows) => rows.map((r) => ({ ...r, detail: r.detail as Record<string, unknown> | null })));

  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-sso-"));
    writeFileSync(
      path.join(dir, "redrive.config.json"),
      JSON.stringify({
        clusters: [{ name: "n", kind: "nats", servers: ["nats://127.0.0.1:4222"] }],
        auth: { proxyHeaders: { secretEnv: "SSO_TEST_PROXY_SECRET" }, groupRoles: RULES.groupRoles },
      }),
    );
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    process.env.SSO_TEST_PROXY_SECRET = SECRET;
    store = await getStore();
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("makes the account on first sight, without a password, and follows the groups at every sign-in", async () => {
    const first = await signInSso(store.prisma, identity({}), "192.0.2.7", RULES);
    expect(first).toMatchObject({ name: "erin", role: "operator" });
    const row = await store.prisma.user.findUniqueOrThrow({ where: { id: first.id } });
    expect(row).toMatchObject({ passwordHash: null, ssoSource: "oidc", ssoIssuer: "https://idp.test", ssoSubject: "s-1", createdBy: "oidc:https://idp.test" });

    // The same identity under a new name at the provider is the same account; the role follows the groups.
    const again = await signInSso(store.prisma, identity({ name: "erin.renamed", groups: ["ops-admins"] }), null, RULES);
    expect(again).toEqual({ id: first.id, name: "erin", role: "admin" });
    const rows = await audit("user:erin");
    expect(rows.map((r) => [r.action, r.result, r.detail?.via, r.detail?.from, r.detail?.to])).toEqual([
      ["user.create", "ok", "oidc", undefined, undefined],
      ["user.update", "ok", "oidc", "operator", "admin"],
    ]);
    // An unchanged role writes nothing.
    await signInSso(store.prisma, identity({ groups: ["ops-admins"] }), null, RULES);
    expect(await audit("user:erin")).toHaveLength(2);

    // No password opens it, and an admin cannot give it one.
    expect(await refusal(signIn({ name: "erin", password: "any password at all" }, { address: null, userAgent: null }))).toContain(
      "signs in through single sign-on",
    );
    const boss = principalFor("user", first.id, "erin", "admin");
    expect(await refusal(updateUser(first.id, { password: "a new long password" }, boss, null))).toContain("has no password in Redrive to reset");

    // Out of every mapped group: refused, and the account stays as it was.
    expect(await refusal(signInSso(store.prisma, identity({ groups: ["elsewhere"] }), null, RULES))).toMatch(/^FORBIDDEN: .*no group/);
    expect((await store.prisma.user.findUniqueOrThrow({ where: { id: first.id } })).role).toBe("admin");
    // Disabled: refused whatever the groups say.
    await store.prisma.user.update({ where: { id: first.id }, data: { disabledAt: new Date() } });
    expect(await refusal(signInSso(store.prisma, identity({ groups: ["ops-admins"] }), null, RULES))).toMatch(/^FORBIDDEN: .*disabled/);
  });

  it("refuses a name that belongs to another account instead of joining it", async () => {
    await store.prisma.user.create({ data: { name: "Frank", role: "admin", passwordHash: "a local account", createdBy: "test" } });
    expect(await refusal(signInSso(store.prisma, identity({ subject: "s-2", name: "frank", groups: ["ops-admins"] }), null, RULES))).toMatch(
      /^FORBIDDEN: .*exists already/,
    );
    expect(await refusal(signInSso(store.prisma, identity({ via: "proxy", issuer: "proxy", subject: "erin", name: "erin" }), null, RULES))).toMatch(
      /^FORBIDDEN: .*exists already/,
    );
    expect(await refusal(signInSso(store.prisma, identity({ subject: "s-3", name: "no spaces allowed" }), null, RULES))).toMatch(/cannot be used/);
    expect(await refusal(signInSso(store.prisma, identity({ subject: "s-4", name: "gina", groups: [] }), null, RULES))).toMatch(/no group/);
    expect(await store.prisma.user.count({ where: { name: { in: ["gina", "no spaces allowed"] } } })).toBe(0);
    const refused = await store.prisma.auditEvent.findMany({ where: { action: "auth.sign-in", result: "refused" }, select: { detail: true } });
    expect(refused.map((r) => (r.detail as { reason?: string }).reason)).toEqual(expect.arrayContaining(["name-taken", "bad-name", "no-role", "disabled"]));
  });

  it("takes the proxy's user from its headers only with the secret", async () => {
    const headers = (secret?: string, groups = "ops-oncall") =>
      new Headers({ "x-forwarded-user": "hal", "x-forwarded-groups": groups, ...(secret === undefined ? {} : { "x-redrive-proxy-secret": secret }) });
    const hal = await authenticate(headers(SECRET));
    expect(hal).toMatchObject({ kind: "user", name: "hal", role: "operator", via: "proxy" });
    expect((await authenticate(headers(SECRET, "ops-admins")))?.role).toBe("admin");
    expect(await refusal(authenticate(headers()))).toContain("the x-redrive-proxy-secret header is missing");
    expect(await refusal(authenticate(headers("a wrong secret of some length")))).toContain("the x-redrive-proxy-secret header is wrong");
    expect(await store.prisma.user.count({ where: { name: "hal" } })).toBe(1);
  });
});
