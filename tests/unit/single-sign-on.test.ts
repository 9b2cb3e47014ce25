import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readProxyIdentity } from "@/lib/auth/read-proxy-identity";
import { readGroups } from "@/lib/auth/read-groups";
import { roleFromGroups } from "@/lib/auth/role-from-groups";
import { ConfigError, loadConfig, type ProxyHeadersConfig } from "@/lib/config";

const cluster = { name: "n", kind: "nats", servers: ["nats://127.0.0.1:4222"] };

function configWith(auth: unknown, extra: Record<string, unknown> = {}, env: Record<string, string> = {}, files: Record<string, string> = {}, basePath = "") {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-sso-"));
  writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [cluster], auth, ...extra }));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return loadConfig(env, dir, basePath);
}

function sentence(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const oidc = { issuer: "https://idp.example.com/realms/ops", clientId: "redrive", clientSecretEnv: "OIDC_SECRET" };

describe("group → role mapping", () => {
  const rules = { groupRoles: { "ops-viewers": "viewer", "ops-oncall": "operator", "ops-admins": "admin" } as const, defaultRole: null };

  it("gives the highest role any group maps to, and names that group", () => {
    expect(roleFromGroups(["ops-viewers", "ops-oncall"], rules)).toEqual({ role: "operator", group: "ops-oncall" });
    expect(roleFromGroups(["ops-admins", "ops-viewers"], rules)).toEqual({ role: "admin", group: "ops-admins" });
    expect(roleFromGroups(["other", "ops-viewers"], rules)).toEqual({ role: "viewer", group: "ops-viewers" });
  });

  it("refuses a user in no mapped group unless a default role is set; names are compared exactly", () => {
    expect(roleFromGroups([], rules)).toBeNull();
    expect(roleFromGroups(["OPS-ADMINS", "constructor", "__proto__"], rules)).toBeNull();
    expect(roleFromGroups(["other"], { ...rules, defaultRole: "viewer" })).toEqual({ role: "viewer", group: null });
    expect(roleFromGroups(["ops-admins"], { ...rules, defaultRole: "viewer" })).toEqual({ role: "admin", group: "ops-admins" });
  });

  it("reads groups from a JSON array claim or a comma-separated header", () => {
    expect(readGroups(["a", "b", "a", 3, ""])).toEqual(["a", "b"]);
    expect(readGroups(" ops-admins , ops-oncall,,")).toEqual(["ops-admins", "ops-oncall"]);
    expect(readGroups(undefined)).toEqual([]);
    expect(readGroups({ a: 1 })).toEqual([]);
  });
});

describe("single sign-on configuration", () => {
  it("reads auth.oidc with its secret, defaults and the callback under publicUrl (a sub-path kept)", () => {
    const c = configWith({ oidc, groupRoles: { "ops-admins": "admin" } }, { publicUrl: "https://ops.example.com/redrive/" }, { OIDC_SECRET: "s3cret" }, {}, "/redrive");
    expect(c.auth.oidc).toMatchObject({
      issuer: "https://idp.example.com/realms/ops",
      clientSecret: "s3cret",
      scopes: ["openid", "profile", "email"],
      groupsClaim: "groups",
      usernameClaim: null,
      redirectUri: "https://ops.example.com/redrive/api/auth/oidc/callback",
      insecure: false,
    });
    expect(c.auth.localAccounts).toBe(true);
    expect(c.auth.sso).toEqual({ groupRoles: { "ops-admins": "admin" }, defaultRole: null });
  });

  it("reads the client secret from a mounted file", () => {
    const c = configWith(
      { oidc: { ...oidc, clientSecretEnv: undefined, clientSecretFile: "oidc-secret" }, groupRoles: { a: "admin" } },
      { publicUrl: "https://ops.example.com" },
      {},
      { "oidc-secret": "from-file\n" },
    );
    expect(c.auth.oidc?.clientSecret).toBe("from-file");
  });

  it("says what is wrong, field by field", () => {
    const pub = { publicUrl: "https://ops.example.com" };
    expect(sentence(() => configWith({ oidc, groupRoles: { a: "admin" } }, {}, { OIDC_SECRET: "x" }))).toContain("auth.oidc needs publicUrl");
    expect(
      sentence(() => configWith({ oidc: { ...oidc, issuer: "http://idp.example.com" }, groupRoles: { a: "admin" } }, pub, { OIDC_SECRET: "x" })),
    ).toContain("auth.oidc.issuer: must be an https:// URL (http:// only for a provider on this machine");
    expect(sentence(() => configWith({ oidc: { ...oidc, scopes: ["profile"] }, groupRoles: { a: "admin" } }, pub, { OIDC_SECRET: "x" }))).toContain(
      'auth.oidc.scopes: must include "openid"',
    );
    expect(sentence(() => configWith({ oidc }, pub, { OIDC_SECRET: "x" }))).toContain("auth.groupRoles maps no group to a role and auth.defaultRole is unset");
    expect(sentence(() => configWith({ oidc, groupRoles: { a: "root" } }, pub, { OIDC_SECRET: "x" }))).toContain("auth.groupRoles.a");
    expect(sentence(() => configWith({ oidc, groupRoles: { a: "admin" } }, pub))).toContain(
      "auth.oidc.clientSecretEnv names the environment variable OIDC_SECRET, which is not set",
    );
    expect(sentence(() => configWith({ localAccounts: false }))).toContain(
      "auth.localAccounts is false, but neither auth.oidc nor auth.proxyHeaders is configured",
    );
    expect(sentence(() => configWith({ localAccounts: false, oidc, groupRoles: { a: "operator" } }, pub, { OIDC_SECRET: "x" }))).toContain(
      "maps no group to admin",
    );
    expect(sentence(() => configWith({ groupRoles: { a: "admin" } }))).toContain("apply to single sign-on, but neither");
    expect(sentence(() => configWith({ proxyHeaders: {}, groupRoles: { a: "admin" } }))).toContain("auth.proxyHeaders needs the proxy to prove itself");
    expect(sentence(() => configWith({ proxyHeaders: { secretEnv: "P" }, groupRoles: { a: "admin" } }, {}, { P: "short" }))).toContain(
      "at least 16 characters",
    );
    expect(sentence(() => configWith({ proxyHeaders: { proxies: ["proxy.local"] }, groupRoles: { a: "admin" } }))).toContain(
      "auth.proxyHeaders.proxies[0]: must be an IP address",
    );
    expect(sentence(() => configWith({ proxyHeaders: { proxies: ["10.0.0.1"], userHeader: "X-Forwarded-Email" }, groupRoles: { a: "admin" } }))).toContain(
      "four different headers",
    );
  });

  it("allows local accounts off when an admin can come from single sign-on", () => {
    const c = configWith({ localAccounts: false, proxyHeaders: { proxies: ["::ffff:10.0.0.5"] }, groupRoles: { "ops-admins": "admin" } });
    expect(c.auth.localAccounts).toBe(false);
    expect(c.auth.proxyHeaders).toMatchObject({ userHeader: "x-forwarded-user", groupsHeader: "x-forwarded-groups", secret: null, proxies: ["10.0.0.5"] });
  });
});

describe("trusted proxy headers", () => {
  const rules: ProxyHeadersConfig = {
    userHeader: "x-forwarded-user",
    emailHeader: "x-forwarded-email",
    groupsHeader: "x-forwarded-groups",
    secretHeader: "x-proxy-secret",
    secret: "a-long-shared-proxy-secret",
    proxies: ["10.0.0.5"],
    usernameFrom: "user",
  };
  const peer = "x-redrive-peer-0123456789abcdef";
  const h = (o: Record<string, string>) => new Headers(o);

  it("accepts the headers only with the secret and from a configured peer", () => {
    const good = {
      "x-forwarded-user": "Alice",
      "x-forwarded-groups": "ops-oncall,x",
      "x-proxy-secret": "a-long-shared-proxy-secret",
      [peer]: "::ffff:10.0.0.5",
    };
    expect(readProxyIdentity(h(good), rules, peer)).toEqual({
      identity: { via: "proxy", issuer: "proxy", subject: "alice", name: "Alice", groups: ["ops-oncall", "x"] },
    });
    expect(readProxyIdentity(h({ ...good, "x-proxy-secret": "wrong" }), rules, peer)).toEqual({ refused: "the x-proxy-secret header is wrong" });
    const { "x-proxy-secret": _s, ...noSecret } = good;
    expect(readProxyIdentity(h(noSecret), rules, peer)).toEqual({ refused: "the x-proxy-secret header is missing" });
    expect(readProxyIdentity(h({ ...good, [peer]: "10.0.0.6", "x-forwarded-for": "10.0.0.5" }), rules, peer)).toEqual({
      refused: "the connection's peer 10.0.0.6 is not one of auth.proxyHeaders.proxies",
    });
    expect(readProxyIdentity(h(good), rules, null)).toMatchObject({ refused: expect.stringContaining("peer address is unknown") });
  });

  it("ignores requests without the user headers, and is off without configuration", () => {
    expect(readProxyIdentity(h({ "x-proxy-secret": "a-long-shared-proxy-secret" }), rules, peer)).toBeNull();
    expect(readProxyIdentity(h({ "x-forwarded-user": "alice" }), null, peer)).toBeNull();
  });
});
