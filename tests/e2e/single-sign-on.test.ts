import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNginx } from "../support/nginx";
import { startOidcProvider, providerPort, type RunningProvider } from "../support/oidc-provider";
import { createTestDatabase, queryRows } from "../support/postgres";
import { closedPort } from "../support/tcp-proxy";
import { apiRaw, signIn, startApp, TEST_ADMIN, type RunningApp } from "./support/app-server";
import { launchBrowser } from "./support/browser";

// Single sign-on end to end: a real OpenID provider (oidc-provider) driven through Chromium, and
// trusted proxy headers set by a real nginx.

const NATS_ONLY = { clusters: [{ name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] };
const CLIENT = { id: "redrive", secret: "a client secret for the test provider" };
const GROUP_ROLES = { "ops-oncall": "operator", "ops-admins": "admin" };
const ACCOUNTS = { alice: { groups: ["ops-oncall", "everyone"] }, bob: { groups: ["everyone"] }, carol: { groups: ["ops-admins"] } };
const DEEP_LINK = "/consumers?state=STOPPED";

type AuditRow = { actor: string; action: string; result: string | null; target: string | null; detail: Record<string, unknown> | null };
const audit = (url: string, where: string) =>
  queryRows<AuditRow>(url, `SELECT actor, action, result, target, detail FROM audit_events WHERE ${where} ORDER BY id`);

function oidcConfig(issuer: string) {
  return (url: string) => ({
    ...NATS_ONLY,
    publicUrl: url,
    auth: {
      oidc: { issuer, clientId: CLIENT.id, clientSecretEnv: "OIDC_CLIENT_SECRET", scopes: ["openid", "profile", "email", "groups"], displayName: "Test IdP" },
      groupRoles: GROUP_ROLES,
    },
  });
}

/** From the sign-in page: the button, the provider's own login form, its consent page. */
async function throughProvider(page: Page, login: string): Promise<void> {
  await page.getByTestId("sso-sign-in").click();
  await page.waitForSelector("input[name=login]");
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", "any password: the test provider's form takes any");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // The consent page (first sign-in of this account to this client in this browser).
  await page.getByRole("button", { name: "Continue" }).click();
}

/**
 * Signs in at the provider up to its consent, then submits the consent with the browser context's
 * own cookies but without following redirects: returns the provider's redirect to Redrive's
 * callback (code and state), which the browser never opened.
 */
async function answerWithoutFollowing(page: Page, login: string): Promise<string> {
  await page.getByTestId("sso-sign-in").click();
  await page.waitForSelector("input[name=login]");
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", "any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).waitFor();
  const action = await page
    .locator("form")
    .first()
    .evaluate((f) => (f as HTMLFormElement).action);
  let res = await page.context().request.post(action, { form: { prompt: "consent" }, maxRedirects: 0 });
  for (let hops = 0; hops < 5; hops++) {
    const location = res.headers().location;
    if (!location) throw new Error(`the provider answered ${res.status()} without a redirect`);
    const next = new URL(location, res.url()).href;
    if (next.includes("/api/auth/oidc/callback")) return next;
    res = await page.context().request.get(next, { maxRedirects: 0 });
  }
  throw new Error("the provider did not redirect to the callback");
}

describe("single sign-on", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe("OpenID Connect", () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let app: RunningApp;
    let provider: RunningProvider;
    beforeAll(async () => {
      db = await createTestDatabase("redrive_e2e");
      const port = await providerPort();
      app = await startApp(oidcConfig(`http://127.0.0.1:${port}`), { DATABASE_URL: db.url, OIDC_CLIENT_SECRET: CLIENT.secret });
      provider = await startOidcProvider({
        port,
        client: { ...CLIENT, redirectUris: [`${app.url}/api/auth/oidc/callback`], postLogoutRedirectUris: [`${app.url}/sign-in`] },
        accounts: ACCOUNTS,
      });
    }, 120_000);
    afterAll(async () => {
      await app?.stop();
      await provider?.stop();
      await db?.drop();
    });

    it("lands an operator (by group) on the deep link they opened, records who they are, and signs them out", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(app.url + DEEP_LINK);
      await page.waitForURL(/\/sign-in\?next=/);
      await throughProvider(page, "alice");
      await page.waitForURL(app.url + DEEP_LINK);
      const menu = page.getByTestId("user-menu");
      await menu.getByText("alice").waitFor();
      expect(await menu.textContent()).toContain("operator");

      const created = await audit(db.url, "action = 'user.create' AND target = 'user:alice'");
      expect(created).toHaveLength(1);
      expect(created[0]!.detail).toMatchObject({ via: "oidc", issuer: provider.issuer, sub: "alice", group: "ops-oncall" });
      const signedIn = await audit(db.url, "action = 'auth.sign-in' AND actor = 'alice' AND result = 'ok'");
      expect(signedIn).toHaveLength(1);
      expect(signedIn[0]!.detail).toMatchObject({ via: "oidc", issuer: provider.issuer, sub: "alice", role: "operator" });
      const [user] = await queryRows<{ password_hash: string | null; sso_source: string; role: string }>(
        db.url,
        "SELECT password_hash, sso_source, role FROM users WHERE name = 'alice'",
      );
      expect(user).toEqual({ password_hash: null, sso_source: "oidc", role: "operator" });
      // An account made by single sign-on has no password to sign in with.
      const local = await apiRaw(
        app,
        "/api/auth/sign-in",
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "alice", password: "any password at all" }) },
        null,
      );
      expect(local.status).toBe(403);
      expect(((await local.json()) as { error: { message: string } }).error.message).toContain("signs in through single sign-on");

      const session = (await context.cookies()).find((c) => c.name === "redrive_session");
      expect(session).toBeDefined();
      await menu.getByRole("button", { name: "Sign out" }).click();
      // The provider's end-session page asks; yes, then back to Redrive's sign-in.
      await page.locator("button[name=logout]").click();
      await page.waitForURL(`${app.url}/sign-in`);
      expect((await apiRaw(app, "/api/auth/me", {}, `redrive_session=${session!.value}`)).status).toBe(401);
      await page.goto(app.url + DEEP_LINK);
      await page.waitForURL(/\/sign-in\?next=/);
      expect((await audit(db.url, "action = 'auth.sign-out' AND actor = 'alice'"))[0]?.detail).toMatchObject({ via: "oidc" });
      await context.close();
    });

    it("refuses a user in no mapped group with a sentence, and makes no account", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(app.url + DEEP_LINK);
      await page.waitForURL(/\/sign-in\?next=/);
      await throughProvider(page, "bob");
      await page.waitForURL(/\/sign-in\?sso=no-role/);
      expect(await page.getByTestId("auth-error").textContent()).toContain("you are in no group that gives a role in Redrive");
      expect(await queryRows(db.url, "SELECT 1 FROM users WHERE name = 'bob'")).toHaveLength(0);
      const refused = await audit(db.url, "action = 'auth.sign-in' AND actor = 'bob'");
      expect(refused.map((r) => [r.result, r.detail?.reason, r.detail?.sub])).toEqual([["refused", "no-role", "bob"]]);
      await context.close();
    });

    it("refuses a callback from another browser (state mismatch) and a replayed one", async () => {
      const a = await browser.newContext();
      const pageA = await a.newPage();
      await pageA.goto(`${app.url}/sign-in`);
      // Browser A signs in at the provider, but its answer (the redirect to the callback) is held back.
      const callback = await answerWithoutFollowing(pageA, "carol");
      expect(callback).toMatch(new RegExp(`^${app.url}/api/auth/oidc/callback\\?.*state=`));

      const b = await browser.newContext();
      const pageB = await b.newPage();
      await pageB.goto(callback);
      await pageB.waitForURL(/\/sign-in\?sso=state-mismatch/);
      expect(await pageB.getByTestId("auth-error").textContent()).toContain("the state does not match");
      expect(await queryRows(db.url, "SELECT 1 FROM users WHERE name = 'carol'")).toHaveLength(0);

      // The browser that started it finishes it: the refusal was the state's binding, nothing else.
      await pageA.goto(callback);
      await pageA.waitForURL(`${app.url}/`);
      await pageA.getByTestId("user-menu").getByText("carol").waitFor();
      expect(await pageA.getByTestId("user-menu").textContent()).toContain("admin");

      // Used once: the same answer again is a replay.
      await pageB.goto(callback);
      await pageB.waitForURL(/\/sign-in\?sso=replay/);
      expect(await pageB.getByTestId("auth-error").textContent()).toContain("used already");
      const reasons = (await audit(db.url, "action = 'auth.sign-in' AND result = 'refused' AND actor = 'anonymous'")).map((r) => r.detail?.reason);
      expect(reasons).toEqual(["state-mismatch", "replay"]);
      // A forged state is refused the same way.
      await pageB.goto(`${app.url}/api/auth/oidc/callback?code=forged&state=forged`);
      await pageB.waitForURL(/\/sign-in\?sso=state-mismatch/);
      await a.close();
      await b.close();
    });

    it("re-reads the role from the groups at every sign-in, and the change is audited", async () => {
      ACCOUNTS.alice.groups = ["ops-admins"];
      try {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${app.url}/sign-in`);
        await throughProvider(page, "alice").catch(() => undefined);
        await page.waitForURL(`${app.url}/`);
        await page.getByTestId("user-menu").getByText("admin").waitFor();
        const changed = await audit(db.url, "action = 'user.update' AND target = 'user:alice'");
        expect(changed.map((r) => r.detail)).toEqual([expect.objectContaining({ via: "oidc", from: "operator", to: "admin", group: "ops-admins" })]);
        await context.close();
      } finally {
        ACCOUNTS.alice.groups = ["ops-oncall", "everyone"];
      }
    });
  });

  it("says so when the client secret is wrong", async () => {
    const db = await createTestDatabase("redrive_e2e");
    const port = await providerPort();
    const app = await startApp(oidcConfig(`http://127.0.0.1:${port}`), { DATABASE_URL: db.url, OIDC_CLIENT_SECRET: "not the client's secret" });
    const provider = await startOidcProvider({
      port,
      client: { ...CLIENT, redirectUris: [`${app.url}/api/auth/oidc/callback`], postLogoutRedirectUris: [] },
      accounts: ACCOUNTS,
    });
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${app.url}/sign-in`);
      await throughProvider(page, "alice");
      await page.waitForURL(/\/sign-in\?sso=client-auth/);
      expect(await page.getByTestId("auth-error").textContent()).toContain("refused Redrive's client credentials");
      expect(await queryRows(db.url, "SELECT 1 FROM users WHERE name = 'alice'")).toHaveLength(0);
      expect((await audit(db.url, "action = 'auth.sign-in' AND result = 'refused'")).map((r) => r.detail?.reason)).toEqual(["client-auth"]);
    } finally {
      await app.stop();
      await provider.stop();
      await db.drop();
    }
  });

  it("says so when the provider cannot be reached", async () => {
    const db = await createTestDatabase("redrive_e2e");
    const app = await startApp(oidcConfig(`http://127.0.0.1:${await closedPort()}`), { DATABASE_URL: db.url, OIDC_CLIENT_SECRET: CLIENT.secret });
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${app.url}/sign-in`);
      await page.getByTestId("sso-sign-in").click();
      await page.waitForURL(/\/sign-in\?sso=unreachable/);
      expect(await page.getByTestId("auth-error").textContent()).toContain("could not reach the identity provider");
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it("with local accounts off, shows only the single sign-on button and refuses passwords; API tokens keep working", async () => {
    const db = await createTestDatabase("redrive_e2e");
    const port = await providerPort();
    const app = await startApp(
      (url: string) => ({
        ...oidcConfig(`http://127.0.0.1:${port}`)(url),
        auth: { ...oidcConfig(`http://127.0.0.1:${port}`)(url).auth, localAccounts: false },
      }),
      { DATABASE_URL: db.url, OIDC_CLIENT_SECRET: CLIENT.secret, REDRIVE_ADMIN_PASSWORD: "" },
    );
    const provider = await startOidcProvider({
      port,
      client: { ...CLIENT, redirectUris: [`${app.url}/api/auth/oidc/callback`], postLogoutRedirectUris: [] },
      accounts: ACCOUNTS,
    });
    try {
      // No password admin and no setup link: the first admin comes from the admin group.
      expect(app.logs()).not.toMatch(/setup\?token=/);
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${app.url}/sign-in`);
      expect(await page.locator("input[name=password]").count()).toBe(0);
      await throughProvider(page, "carol");
      await page.waitForURL(`${app.url}/`);
      await page.getByTestId("user-menu").getByText("admin").waitFor();
      // The admin makes an API token, which works; passwords do not.
      const token = await page.evaluate(async () => {
        const res = await fetch("/api/tokens", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "ci", role: "viewer" }),
        });
        return ((await res.json()) as { data: { token: string } }).data.token;
      });
      expect((await fetch(`${app.url}/api/consumers?limit=1`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      // Nor can the admin make a password account that could never sign in.
      const made = await page.evaluate(async () => {
        const res = await fetch("/api/users", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "local-one", role: "viewer", password: "a long enough password" }),
        });
        return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
      });
      expect(made.status).toBe(400);
      expect(made.body.error?.message).toContain("Local accounts are switched off");
      await expect(signIn(app, TEST_ADMIN.name, TEST_ADMIN.password)).rejects.toThrow(/HTTP 403 .*switched off/);
    } finally {
      await app.stop();
      await provider.stop();
      await db.drop();
    }
  });

  it("accepts the oauth2-proxy headers from nginx, and refuses and audits the same headers sent without its proof", async () => {
    const db = await createTestDatabase("redrive_e2e");
    const secret = "the shared proxy secret for this test";
    const nginxPort = await closedPort();
    const publicUrl = `http://127.0.0.1:${nginxPort}`;
    const app = await startApp(
      (url: string) => ({
        ...NATS_ONLY,
        publicUrl,
        // The test's own API calls (the admin's sign-in) go to the app directly.
        auth: {
          proxyHeaders: { secretEnv: "PROXY_SECRET", secretHeader: "X-Proxy-Secret", proxies: ["127.0.0.2"] },
          groupRoles: GROUP_ROLES,
          allowedOrigins: [url],
        },
      }),
      { DATABASE_URL: db.url, PROXY_SECRET: secret },
    );
    // nginx stands in for oauth2-proxy: it has signed "dana" in and passes her on, from 127.0.0.2.
    const nginx = await startNginx(
      nginxPort,
      `location / {
        proxy_pass ${app.url};
        proxy_bind 127.0.0.2;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-User "dana";
        proxy_set_header X-Forwarded-Email "dana@example.com";
        proxy_set_header X-Forwarded-Groups "everyone,ops-oncall";
        proxy_set_header X-Proxy-Secret "${secret}";
      }`,
    );
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(publicUrl + DEEP_LINK);
      await page.waitForURL(publicUrl + DEEP_LINK);
      const menu = page.getByTestId("user-menu");
      await menu.getByText("dana").waitFor();
      expect(await menu.textContent()).toContain("operator");
      const signedIn = await audit(db.url, "action = 'auth.sign-in' AND actor = 'dana' AND result = 'ok'");
      expect(signedIn[0]?.detail).toMatchObject({ via: "proxy", sub: "dana", role: "operator" });

      // The same headers straight to the app: without the secret, with a wrong one, and with the
      // right one but not from the proxy's address — all refused, none signs anyone in.
      const forged = { "x-forwarded-user": "mallory", "x-forwarded-groups": "ops-admins" };
      const tries = [
        forged,
        { ...forged, "x-proxy-secret": "a guess at the proxy secret" },
        { ...forged, "x-proxy-secret": secret, "x-forwarded-for": "127.0.0.2" },
      ];
      for (const headers of tries) {
        const res = await fetch(`${app.url}/api/auth/me`, { headers });
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: { message: string } }).error.message).toContain("trusted proxy's sign-in headers");
      }
      const direct = await (await browser.newContext({ extraHTTPHeaders: forged })).newPage();
      await direct.goto(app.url + DEEP_LINK);
      await direct.waitForURL(/\/sign-in/);
      expect(await direct.getByTestId("auth-error").textContent()).toContain("x-proxy-secret header is missing");
      expect(await queryRows(db.url, "SELECT 1 FROM users WHERE name = 'mallory'")).toHaveLength(0);
      const refused = await audit(db.url, "action = 'auth.refused' AND result = 'unauthenticated'");
      const reasons = refused.map((r) => String(r.detail?.reason));
      expect(reasons.some((r) => r.includes("x-proxy-secret header is missing"))).toBe(true);
      expect(reasons.some((r) => r.includes("x-proxy-secret header is wrong"))).toBe(true);
      expect(reasons.some((r) => r.includes("peer 127.0.0.1 is not one of auth.proxyHeaders.proxies"))).toBe(true);
      // Local accounts still work beside the proxy (they are not switched off here).
      expect(await signIn(app, TEST_ADMIN.name, TEST_ADMIN.password)).toMatch(/^redrive_session=/);
    } finally {
      await nginx.stop();
      await app.stop();
      await db.drop();
    }
  });
});
