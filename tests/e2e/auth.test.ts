import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsumerListResponse } from "@/lib/health/types";
import { createTestDatabase, queryRows } from "../support/postgres";
import { until } from "../support/rabbit-admin";
import { api, apiRaw, signIn, startApp, TEST_ADMIN } from "./support/app-server";
import { launchBrowser, newAppPage } from "./support/browser";

const ARTIFACTS = path.join(process.cwd(), "test-results");
const NATS_ONLY = { clusters: [{ name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] };

function auditRows(url: string, where: string) {
  return queryRows<{ actor: string; address: string | null; action: string; phase: string; result: string | null; target: string }>(
    url,
    `SELECT actor, address, action, phase, result, target FROM audit_events WHERE ${where} ORDER BY id`,
  );
}

describe("signing in", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("on a fresh install with no admin password, prints a one-time setup link that creates the first admin", async () => {
    const db = await createTestDatabase("redrive_e2e");
    const app = await startApp(NATS_ONLY, { DATABASE_URL: db.url, REDRIVE_ADMIN_PASSWORD: "" });
    try {
      expect(app.cookie).toBeNull();
      const link = /https?:\/\/\S+\/setup\?token=(rdsetup_[A-Za-z0-9_-]+)/.exec(app.logs());
      expect(link, app.logs()).not.toBeNull();
      // Nothing is open before the admin exists.
      expect((await apiRaw(app, "/api/consumers", {}, null)).status).toBe(401);
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${app.url}/setup?token=${link![1]}`);
      await page.fill("input[name=name]", "root-admin");
      await page.fill("input[name=password]", "a first admin password");
      await page.fill("input[name=again]", "a first admin password");
      await page.click("button[type=submit]");
      await page.waitForURL(`${app.url}/`);
      await page.getByTestId("user-menu").getByText("root-admin").waitFor();
      await page.context().close();
      // The link is spent.
      const again = await apiRaw(app, "/api/auth/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: link![1], name: "second", password: "another long password" }) }, null);
      expect(again.status).toBe(403);
      expect(await signIn(app, "ROOT-ADMIN", "a first admin password")).toMatch(/^redrive_session=/);
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it("follows an alert's deep link through sign-in back to the same page and time window", async () => {
    const db = await createTestDatabase("redrive_e2e");
    const app = await startApp(NATS_ONLY, { DATABASE_URL: db.url });
    try {
      const list = await until(() => api<ConsumerListResponse>(app, "/api/consumers?limit=5"), (l) => l.items.length > 0, 60_000, 1000).catch(() => null);
      const target = list?.items[0] ? `/consumers/${list.items[0].id}` : "/consumers";
      const deepLink = `${target}?from=2026-11-20T03%3A00%3A00.000Z&to=2026-11-20T04%3A00%3A00.000Z`;
      const page = await (await browser.newContext()).newPage();
      await page.goto(app.url + deepLink);
      await page.waitForURL(/\/sign-in\?next=/);
      expect(new URL(page.url()).searchParams.get("next")).toBe(deepLink);
      await page.fill("input[name=name]", TEST_ADMIN.name);
      await page.fill("input[name=password]", "not the password");
      await page.click("button[type=submit]");
      await page.getByTestId("auth-error").waitFor();
      expect(await page.getByTestId("auth-error").textContent()).toContain("The user name or password is wrong");
      await page.fill("input[name=password]", TEST_ADMIN.password);
      await page.click("button[type=submit]");
      await page.waitForURL(app.url + deepLink);
      await page.context().close();

      // A link that points elsewhere is not followed after sign-in.
      const evil = await (await browser.newContext()).newPage();
      await evil.goto(`${app.url}/sign-in?next=${encodeURIComponent("//evil.example/x")}`);
      await evil.fill("input[name=name]", TEST_ADMIN.name);
      await evil.fill("input[name=password]", TEST_ADMIN.password);
      await evil.click("button[type=submit]");
      await evil.waitForURL(`${app.url}/`);
      await evil.context().close();

      const rows = await auditRows(db.url, `action = 'auth.sign-in'`);
      expect(rows.map((r) => r.result)).toEqual(["ok", "refused", "ok", "ok"]);
      expect(rows.every((r) => r.address === "127.0.0.1" || r.address === "::ffff:127.0.0.1")).toBe(true);
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it("ends idle sessions and sessions past their absolute limit, and rate-limits failed sign-ins per account", async () => {
    const db = await createTestDatabase("redrive_e2e");
    const app = await startApp(
      { ...NATS_ONLY, auth: { sessionIdleMinutes: 0.1, sessionMaxHours: 0.004, signInFailuresPerAccount: 3, signInWindowMinutes: 1 } },
      { DATABASE_URL: db.url },
    );
    try {
      // Idle: 6 s without a request.
      const idle = await signIn(app, TEST_ADMIN.name, TEST_ADMIN.password);
      expect((await apiRaw(app, "/api/auth/me", {}, idle)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 7000));
      const expired = await apiRaw(app, "/api/auth/me", {}, idle);
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as { error: { message: string } }).error.message).toContain("Sign in to Redrive first");

      // Absolute: 14.4 s after sign-in, however busy. A request every second keeps it from idling
      // out (6 s), so it is still good past the idle limit, and ends anyway.
      const busy = await signIn(app, TEST_ADMIN.name, TEST_ADMIN.password);
      const started = Date.now();
      const seen: Array<{ at: number; status: number }> = [];
      while (Date.now() - started < 17_000) {
        const at = Date.now() - started;
        seen.push({ at, status: (await apiRaw(app, "/api/auth/me", {}, busy)).status });
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(seen[0]!.status).toBe(200);
      expect(seen.some((s) => s.status === 200 && s.at > 7000)).toBe(true);
      expect(seen.at(-1)!.status).toBe(401);
      // Once ended it stays ended.
      const firstEnd = seen.findIndex((s) => s.status === 401);
      expect(seen.slice(firstEnd).every((s) => s.status === 401)).toBe(true);

      // Rate limit: three failures for one account, then even the right password waits.
      for (let i = 0; i < 3; i++) {
        const res = await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: TEST_ADMIN.name, password: `guess ${i}` }) }, null);
        expect(res.status).toBe(401);
      }
      const limited = await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "ADMIN", password: TEST_ADMIN.password }) }, null);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await limited.json()) as { error: { message: string } }).error.message).toContain("Too many failed sign-ins for this account");
      const rows = await auditRows(db.url, `action = 'auth.sign-in'`);
      expect(rows.map((r) => r.result).slice(-4)).toEqual(["refused", "refused", "refused", "limited"]);
      expect(rows.every((r) => r.target === "user:admin")).toBe(true);
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it("lets an admin reset another account's password in its row: a short one is refused with the server's reason, a good one replaces it and ends their sessions", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const db = await createTestDatabase("redrive_e2e");
    const app = await startApp(NATS_ONLY, { DATABASE_URL: db.url });
    const signInStatus = async (name: string, password: string) =>
      (await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, password }) }, null)).status;
    try {
      const oldPassword = "casey's first password";
      const casey = await api<{ id: string }>(app, "/api/users", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "casey", role: "operator", password: oldPassword }) });
      const caseySession = await signIn(app, "casey", oldPassword);
      expect((await apiRaw(app, "/api/auth/me", {}, caseySession)).status).toBe(200);

      const page = await newAppPage(browser, app, { viewport: { width: 1280, height: 800 } });
      await page.goto(`${app.url}/settings/users`);
      const row = page.getByTestId("user-casey");
      await row.waitFor();
      // One's own password is changed on the Account page, which keeps this session; a reset would end it.
      const own = page.getByTestId("user-admin");
      expect(await own.getByTestId("reset-password").count()).toBe(0);
      expect(await own.getByTestId("own-password").getAttribute("href")).toBe("/account");
      const toggle = row.getByTestId("reset-password");
      const panel = page.getByTestId("reset-password-panel");
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");

      // Cancel closes the form and sends nothing.
      await toggle.click();
      await panel.waitFor();
      expect(await toggle.getAttribute("aria-expanded")).toBe("true");
      const input = panel.getByTestId("reset-password-input");
      expect(await input.getAttribute("type")).toBe("password");
      expect(await input.getAttribute("autocomplete")).toBe("new-password");
      await input.fill("typed then dropped");
      await panel.getByTestId("reset-password-cancel").click();
      await panel.waitFor({ state: "detached" });

      // Too short: the browser sends it, and the server's own sentence is shown in the form.
      const tooShort = "short pass";
      const refusedByApi = await apiRaw(app, `/api/users/${casey.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ password: tooShort }) });
      expect(refusedByApi.status).toBe(400);
      const serverSays = ((await refusedByApi.json()) as { error: { message: string } }).error.message;
      await toggle.click();
      await input.fill(tooShort);
      await panel.getByTestId("reset-password-submit").click();
      const alert = panel.getByRole("alert");
      await alert.waitFor();
      expect(await alert.getAttribute("data-testid")).toBe("reset-password-error");
      expect(await alert.textContent()).toContain(serverSays);
      expect(await input.getAttribute("aria-invalid")).toBe("true");
      await page.screenshot({ path: path.join(ARTIFACTS, "users-reset-password.png") });
      // Nothing changed: the old password still signs in and casey's session still stands.
      expect(await signInStatus("casey", oldPassword)).toBe(200);
      expect((await apiRaw(app, "/api/auth/me", {}, caseySession)).status).toBe(200);

      // A good one: set, said so in the row, and it is the only password that now works.
      const newPassword = "casey's second, longer password";
      await input.fill(newPassword);
      await panel.getByTestId("reset-password-submit").click();
      const done = panel.getByTestId("reset-password-done");
      await done.waitFor();
      expect(await done.getAttribute("role")).toBe("status");
      expect(await done.textContent()).toContain("casey");
      expect(await panel.getByTestId("reset-password-error").count()).toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, "users-reset-password-done.png") });
      expect(await signInStatus("casey", oldPassword)).toBe(401);
      expect(await signInStatus("casey", newPassword)).toBe(200);
      expect((await apiRaw(app, "/api/auth/me", {}, caseySession)).status).toBe(401);
      // The admin who reset it is still signed in.
      expect((await apiRaw(app, "/api/auth/me")).status).toBe(200);

      await panel.getByTestId("reset-password-close").click();
      await panel.waitFor({ state: "detached" });
      await page.context().close();

      // On record: one reset that took, by the admin, without either password.
      const took = await auditRows(db.url, `action = 'user.update' AND phase = 'outcome' AND result = 'ok'`);
      expect(took.map((r) => [r.actor, r.target])).toEqual([[TEST_ADMIN.name, "user:casey"]]);
      const logged = JSON.stringify(await queryRows(db.url, `SELECT request, detail FROM audit_events`));
      expect(logged).not.toContain(newPassword);
      expect(logged).not.toContain(tooShort);
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it("narrows an API token when its maker is demoted, stops and revokes it when the maker is disabled, and shows who made each token", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const db = await createTestDatabase("redrive_e2e");
    const app = await startApp(NATS_ONLY, { DATABASE_URL: db.url });
    const json = { "content-type": "application/json" };
    try {
      const erin = await api<{ id: string }>(app, "/api/users", { method: "POST", headers: json, body: JSON.stringify({ name: "erin", role: "admin", password: "erin's long password" }) });
      const erinSession = await signIn(app, "erin", "erin's long password");
      const made = await api<{ id: string; token: string }>(app, "/api/tokens", { method: "POST", headers: json, body: JSON.stringify({ name: "erin-deploy", role: "admin" }) }, erinSession);
      const asToken = (url: string) => fetch(`${app.url}${url}`, { headers: { authorization: `Bearer ${made.token}` } });
      expect((await asToken("/api/notifications")).status).toBe(200);

      // Demoted: the token acts as an operator at its next request.
      await api(app, `/api/users/${erin.id}`, { method: "PATCH", headers: json, body: JSON.stringify({ role: "operator" }) });
      expect((await asToken("/api/notifications")).status).toBe(403);
      expect((await asToken("/api/audit")).status).toBe(200);
      const me = (await (await asToken("/api/auth/me")).json()) as { data: { role: string; name: string } };
      expect(me.data).toMatchObject({ role: "operator", name: `token:${made.id}:erin-deploy` });

      const page = await newAppPage(browser, app, { viewport: { width: 1400, height: 900 } });
      await page.goto(`${app.url}/settings/users`);
      const row = page.getByTestId("token-erin-deploy");
      await row.waitFor();
      expect(await row.getByTestId("token-maker").textContent()).toBe("erin (now operator)");
      expect(await row.getByTestId("token-role").textContent()).toBe("admin → acts as operator");

      // Disabled: refused at once, revoked for good, on record.
      await api(app, `/api/users/${erin.id}`, { method: "PATCH", headers: json, body: JSON.stringify({ disabled: true }) });
      expect((await asToken("/api/consumers")).status).toBe(401);
      await api(app, `/api/users/${erin.id}`, { method: "PATCH", headers: json, body: JSON.stringify({ disabled: false }) });
      expect((await asToken("/api/consumers")).status).toBe(401);
      await page.reload();
      await row.waitFor();
      expect(await row.getByTestId("token-maker").textContent()).toBe("erin (now operator)");
      expect(await row.textContent()).toContain(`revoked by ${TEST_ADMIN.name}`);
      await page.screenshot({ path: path.join(ARTIFACTS, "tokens-makers.png") });
      await page.context().close();
      const revoked = await auditRows(db.url, `action = 'token.revoke'`);
      expect(revoked.map((r) => [r.actor, r.phase, r.result, r.target])).toEqual([[TEST_ADMIN.name, "event", "ok", "token:erin-deploy"]]);
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it("never shows broker credentials to the browser or writes them to the log", async () => {
    const secret = "s3cret-Broker-Pass-7731";
    const db = await createTestDatabase("redrive_e2e");
    const app = await startApp(
      {
        clusters: [
          { name: "rabbit-wrong-pass", kind: "rabbitmq", amqpUrl: "amqp://guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", passwordEnv: "E2E_RMQ_PASSWORD" },
          { name: "nats-with-token", kind: "nats", servers: ["nats://127.0.0.1:4222"], tokenEnv: "E2E_NATS_TOKEN" },
        ],
      },
      { DATABASE_URL: db.url, E2E_RMQ_PASSWORD: secret, E2E_NATS_TOKEN: `${secret}-nats` },
    );
    try {
      const clusters = await until(
        () => api<Array<{ name: string; state: string; error: string | null }>>(app, "/api/clusters"),
        (l) => l.every((c) => c.state !== "unknown") && l.some((c) => c.name === "rabbit-wrong-pass" && c.error !== null),
        60_000,
        1000,
      );
      // The refusal is reported in words, without the password that was refused.
      expect(clusters.find((c) => c.name === "rabbit-wrong-pass")!.error).toMatch(/refused|credentials|password|access/i);
      const seen = [
        JSON.stringify(clusters),
        await (await apiRaw(app, "/api/health")).text(),
        await (await apiRaw(app, "/")).text(),
        await (await apiRaw(app, "/consumers")).text(),
        app.logs(),
      ].join("\n");
      expect(seen).not.toContain(secret);
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});
