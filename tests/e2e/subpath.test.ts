import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import amqp from "amqplib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LetterPage } from "@/lib/dead-letters/types";
import type { NotificationMessage } from "@/lib/notifications/types";
import { ensureBuild, type BuildOptions } from "../support/ensure-build";
import { createTestDatabase } from "../support/postgres";
import { createVhost, until } from "../support/rabbit-admin";
import { startNginx, type RunningNginx } from "../support/start-nginx";
import { closedPort } from "../support/tcp-proxy";
import { startReceiver } from "../support/webhook-receiver";
import { api, apiRaw, runAppExpectingExit, signIn, startApp, TEST_ADMIN, type RunningApp } from "./support/app-server";
import { launchBrowser } from "./support/browser";

// Redrive built for /redrive and served behind a real nginx that forwards only /redrive/ to it, as a
// platform team's ingress does. Everything the browser asks for must stay under /redrive.

const ARTIFACTS = path.join(process.cwd(), "test-results");
const BASE = "/redrive";
const SUBPATH: BuildOptions = { basePath: BASE, distDir: ".next-subpath" };
const id = randomBytes(3).toString("hex");
const VHOST = `e2e-subpath-${id}`;
const CLUSTER = `rmq-subpath-${id}`;
const NATS_ONLY = { clusters: [{ name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] };

/** The nginx server block an operator would write (README "Serving under a sub-path"), for an app on `appPort`. */
function nginxServer(appPort: number): string {
  return `
    location ${BASE} {
      proxy_pass http://127.0.0.1:${appPort};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
    location / {
      return 404;
    }`;
}

// The build under /redrive, into its own folder: the root build in .next stays as the other suites
// use it. A second `next build` takes minutes on a busy machine: more than a hook's usual limit.
beforeAll(() => {
  const ms = ensureBuild(SUBPATH);
  if (ms > 0) console.log(`next build with REDRIVE_BASE_PATH=${BASE} into ${SUBPATH.distDir}: ${(ms / 1000).toFixed(1)} s`);
}, 900_000);

describe("Redrive under /redrive behind nginx", () => {
  let app: RunningApp;
  let nginx: RunningNginx;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let appPort = 0;
  const received: string[] = [];
  /** Every URL the browser asked for, and every answer of 400 or more. */
  const requests: string[] = [];
  const failures: string[] = [];
  const home = () => `${nginx.origin}${BASE}`;

  async function watchedContext(): Promise<BrowserContext> {
    const c = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    c.on("request", (r) => requests.push(r.url()));
    c.on("response", (r) => {
      if (r.status() >= 400) failures.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    return c;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });

    db = await createTestDatabase("redrive_e2e");
    receiver = await startReceiver();
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange("dlx", "direct");
    await ch.assertQueue("orders.dlq");
    await ch.bindQueue("orders.dlq", "dlx", "orders");
    await ch.assertQueue("orders", { arguments: { "x-dead-letter-exchange": "dlx" } });
    for (let i = 0; i < 3; i++) ch.sendToQueue("orders", Buffer.from(JSON.stringify({ order: i })), { messageId: `o-${i}`, contentType: "application/json" });
    await ch.waitForConfirms();
    const rejecter = await conn.createChannel();
    await rejecter.consume("orders", (m) => m && rejecter.nack(m, false, false));

    appPort = await closedPort();
    nginx = await startNginx({ port: await closedPort(), server: nginxServer(appPort) });
    app = await startApp(
      {
        sampler: { intervalSeconds: 5 },
        publicUrl: `${nginx.origin}${BASE}`,
        // nginx is the peer: the client's address comes from its X-Forwarded-For.
        auth: { trustProxy: true },
        clusters: [
          {
            name: CLUSTER,
            kind: "rabbitmq",
            amqpUrl: "amqp://guest:guest@127.0.0.1:5672",
            managementUrl: "http://127.0.0.1:15672",
            vhosts: [VHOST],
            deadLetters: { adopt: ["*/orders.dlq"] },
          },
        ],
        notifications: { channels: [{ name: "ops-hook", type: "webhook", url: `${receiver.url}/hook` }], allowPrivateTargets: true },
      },
      { DATABASE_URL: db.url },
      { port: appPort, build: SUBPATH, url: `${nginx.origin}${BASE}` },
    );
    await until(
      () => api<LetterPage>(app, `/api/dead-letters?cluster=${CLUSTER}&limit=50`),
      (p) => p.items.length === 3,
      60_000,
      1000,
    );
    await rejecter.close();
    const consumer = await conn.createChannel();
    await consumer.consume("orders", (m) => {
      if (!m) return;
      received.push(String(m.properties.messageId));
      consumer.ack(m);
    });

    browser = await launchBrowser();
    context = await watchedContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await nginx?.stop();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await receiver?.close();
    await db?.drop();
  });

  it("answers its probes under the base path only", async () => {
    expect((await fetch(`${nginx.origin}${BASE}/api/health/live`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${appPort}${BASE}/api/health/live`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${appPort}${BASE}/api/health/ready`)).status).toBe(200);
    // The Overview is /redrive itself; /redrive/ leads there.
    const slash = await fetch(`${nginx.origin}${BASE}/`, { redirect: "manual" });
    expect(slash.status).toBe(308);
    expect(new URL(slash.headers.get("location")!, nginx.origin).pathname).toBe(BASE);
    // Outside its base path the app has no pages and no API.
    const outside = await fetch(`http://127.0.0.1:${appPort}/api/health/live`, { redirect: "manual" });
    expect(outside.status).toBe(404);
    expect(await outside.text()).toBe(`Not found: Redrive is served under ${BASE}/ (REDRIVE_BASE_PATH when it was built).\n`);
    expect((await fetch(`http://127.0.0.1:${appPort}/dead-letters`, { redirect: "manual" })).status).toBe(404);
  });

  it("sends a signed-out deep link through sign-in and back, with the session cookie scoped to /redrive", async () => {
    const deepLink = `/dead-letters?cluster=${CLUSTER}&state=dead`;
    await page.goto(home() + deepLink);
    await page.waitForURL(/\/redrive\/sign-in\?next=/);
    expect(new URL(page.url()).pathname).toBe(`${BASE}/sign-in`);
    expect(new URL(page.url()).searchParams.get("next")).toBe(deepLink);
    await page.fill("input[name=name]", TEST_ADMIN.name);
    await page.fill("input[name=password]", TEST_ADMIN.password);
    await page.click("button[type=submit]");
    await page.waitForURL(home() + deepLink);
    await page.locator('[data-testid="letter-row"]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="letter-row"]').count()).toBe(3);

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "redrive_session");
    expect(session, JSON.stringify(cookies)).toBeDefined();
    expect(session).toMatchObject({ path: BASE, httpOnly: true, sameSite: "Lax" });
    expect(cookies.filter((c) => c.path !== BASE)).toEqual([]);

    // Signed in already, sign-in sends straight on to where `next` says.
    await page.goto(`${home()}/sign-in?next=${encodeURIComponent("/jobs")}`);
    await page.waitForURL(`${home()}/jobs`);
  });

  it("browses every area from the navigation, each page loading its data through the proxy", async () => {
    const nav = page.getByRole("navigation", { name: "Main" });
    const areas: Array<[string, string, string]> = [
      ["Overview", "", "consumer-overview"],
      ["Consumers", "/consumers", "consumer-row"],
      ["Dead letters", "/dead-letters", "letter-row"],
      ["Jobs", "/jobs", "job-filter"],
      ["Audit", "/audit", "audit-row"],
      ["Notifications", "/settings/notifications", "channel-row"],
      ["Expected consumers", "/settings/expected-consumers", "expected-form"],
      ["Users & tokens", "/settings/users", `user-${TEST_ADMIN.name}`],
    ];
    for (const [label, href, testId] of areas) {
      await nav.getByRole("link", { name: label, exact: true }).click();
      await page.waitForURL((u) => u.pathname === `${BASE}${href}`);
      await page.locator(`[data-testid="${testId}"]`).first().waitFor({ timeout: 30_000 });
    }
    // A full load of a deep page, as from a bookmark.
    await page.goto(`${home()}/consumers?cluster=${CLUSTER}`);
    await page.locator('[data-testid="consumer-row"]').first().waitFor({ timeout: 30_000 });
  });

  it("requeues a letter through the proxy (the origin check passes) and follows the job", async () => {
    await page.goto(`${home()}/dead-letters?cluster=${CLUSTER}&source=${encodeURIComponent(`${VHOST}/orders`)}`);
    const rows = page.locator('[data-testid="letter-row"]');
    await rows.first().waitFor({ timeout: 30_000 });
    await rows.nth(0).getByTestId("letter-select").check();
    await page.getByTestId("requeue-selected").click();
    const dialog = page.getByTestId("plan-dialog");
    await dialog.getByTestId("plan-total").waitFor();
    expect(await dialog.getByTestId("plan-total").getAttribute("data-total")).toBe("1");
    await dialog.getByTestId("confirm-action").click();
    await page.waitForURL(/\/redrive\/jobs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await page.locator('[data-testid="job-state"][data-state="completed"]').waitFor({ timeout: 60_000 });
    await until(
      async () => received.length,
      (n) => n === 1,
      20_000,
    );
    const requeued = await api<LetterPage>(app, `/api/dead-letters?cluster=${CLUSTER}&state=requeued`);
    expect(requeued.items.map((l) => l.messageId)).toEqual(received);
    await page.screenshot({ path: path.join(ARTIFACTS, "subpath-job.png"), fullPage: true });
  });

  it("serves the payload download and the audit export under the base path", async () => {
    const dead = await api<LetterPage>(app, `/api/dead-letters?cluster=${CLUSTER}&state=dead`);
    const letter = dead.items[0]!;
    await page.goto(`${home()}/dead-letters/${letter.id}`);
    const download = page.getByTestId("payload-download").first();
    await download.waitFor({ timeout: 30_000 });
    const payloadHref = (await download.getAttribute("href"))!;
    expect(payloadHref).toBe(`${BASE}/api/dead-letters/${letter.id}/payload`);
    const bytes = await page.request.get(nginx.origin + payloadHref);
    expect(bytes.status()).toBe(200);
    expect(JSON.parse((await bytes.body()).toString("utf8"))).toHaveProperty("order");

    await page.goto(`${home()}/audit`);
    await page.locator('[data-testid="audit-row"]').first().waitFor({ timeout: 30_000 });
    const csvHref = (await page.getByTestId("audit-export-csv").getAttribute("href"))!;
    expect(csvHref.startsWith(`${BASE}/api/audit/export?`)).toBe(true);
    const csv = await page.request.get(nginx.origin + csvHref);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain("job.requeue");
  });

  it("sends a test notification whose link opens the page under /redrive", async () => {
    await page.goto(`${home()}/settings/notifications`);
    const row = page.locator('[data-testid="channel-row"][data-channel="ops-hook"]');
    await row.getByTestId("test-channel").click();
    await row.getByTestId("test-result").waitFor({ timeout: 15_000 });
    expect(await row.getByTestId("test-result").getAttribute("data-ok")).toBe("true");
    const [message] = receiver.received.filter((r) => r.path === "/hook").map((r) => r.body as NotificationMessage);
    expect(message?.link).toBe(`${nginx.origin}${BASE}/settings/notifications`);
    await page.goto(message!.link);
    await row.waitFor({ timeout: 30_000 });
  });

  it("sends an open page whose session ended to sign-in under /redrive, and back to it after", async () => {
    const cookie = await signIn(app, TEST_ADMIN.name, TEST_ADMIN.password);
    const other = await watchedContext();
    await other.addCookies([
      { name: "redrive_session", value: cookie.slice("redrive_session=".length), domain: "127.0.0.1", path: BASE, httpOnly: true, sameSite: "Lax" },
    ]);
    const open = await other.newPage();
    const where = `/consumers?cluster=${CLUSTER}`;
    await open.goto(home() + where);
    await open.locator('[data-testid="consumer-row"]').first().waitFor({ timeout: 30_000 });
    // Signed out elsewhere: the page's next refresh (every 10 s) is refused, and it goes to sign-in.
    const before = failures.length;
    expect((await apiRaw(app, "/api/auth/sign-out", { method: "POST" }, cookie)).status).toBe(200);
    await open.waitForURL((u) => u.pathname === `${BASE}/sign-in` && u.searchParams.get("next") === where, { timeout: 30_000 });
    // The refusal that sent it there: the page's own refresh of its data, under the base path.
    const refused = failures.splice(before);
    expect(refused.length).toBeGreaterThan(0);
    for (const f of refused) expect(f).toMatch(new RegExp(`^401 GET ${nginx.origin}${BASE}/api/(consumers\\?.*|overview/consumers)$`));
    await open.fill("input[name=name]", TEST_ADMIN.name);
    await open.fill("input[name=password]", TEST_ADMIN.password);
    await open.click("button[type=submit]");
    await open.waitForURL(home() + where);
    await other.close();
  });

  it("signs out to the sign-in page under /redrive, and the old session no longer opens anything", async () => {
    const cookie = (await context.cookies()).find((c) => c.name === "redrive_session")!;
    await page.goto(home());
    await page.getByTestId("user-menu").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === `${BASE}/sign-in`);
    expect((await context.cookies()).find((c) => c.name === "redrive_session")).toBeUndefined();
    expect((await apiRaw(app, "/api/consumers", {}, `redrive_session=${cookie.value}`)).status).toBe(401);
    // A page opened now goes to sign-in again, remembering where it was headed.
    await page.goto(`${home()}/jobs`);
    await page.waitForURL((u) => u.pathname === `${BASE}/sign-in` && u.searchParams.get("next") === "/jobs");
  });

  it("asked for nothing outside /redrive, and nothing it asked for failed", () => {
    expect(requests.length).toBeGreaterThan(50);
    const under = new RegExp(`^${nginx.origin.replace(/[.]/g, "\\.")}${BASE}(/|\\?|$)`);
    expect(requests.filter((u) => !under.test(u))).toEqual([]);
    // nginx saw the same: every request it served was for /redrive.
    const served = nginx.requests();
    expect(served.length).toBeGreaterThan(50);
    expect(served.filter((l) => !/^\d{3} [A-Z]+ \/redrive(\/|\?|$)/.test(l))).toEqual([]);
    expect(failures).toEqual([]);
  });
});

describe("the first start of a build for /redrive behind nginx", () => {
  it("prints a setup link under /redrive (publicUrl given as a bare origin) that creates the first admin", async () => {
    const db = await createTestDatabase("redrive_e2e");
    const appPort = await closedPort();
    const nginx = await startNginx({ port: await closedPort(), server: nginxServer(appPort) });
    const app = await startApp(
      { ...NATS_ONLY, publicUrl: nginx.origin, auth: { trustProxy: true } },
      { DATABASE_URL: db.url, REDRIVE_ADMIN_PASSWORD: "" },
      { port: appPort, build: SUBPATH, url: `${nginx.origin}${BASE}` },
    );
    const browser = await launchBrowser();
    try {
      const link = new RegExp(`${nginx.origin}${BASE}/setup\\?token=rdsetup_[A-Za-z0-9_-]+`).exec(app.logs());
      expect(link, app.logs()).not.toBeNull();
      const page = await (await browser.newContext()).newPage();
      await page.goto(link![0]);
      await page.fill("input[name=name]", "first-admin");
      await page.fill("input[name=password]", "a first admin password");
      await page.fill("input[name=again]", "a first admin password");
      await page.click("button[type=submit]");
      await page.waitForURL(`${nginx.origin}${BASE}`);
      await page.getByTestId("user-menu").getByText("first-admin").waitFor();
      expect((await page.context().cookies()).find((c) => c.name === "redrive_session")?.path).toBe(BASE);
    } finally {
      await browser.close();
      await app.stop();
      await nginx.stop();
      await db.drop();
    }
  });
});

describe("a build for /redrive refuses to start under another path", () => {
  it("stops when REDRIVE_BASE_PATH at start differs from the build's", async () => {
    const { code, output } = await runAppExpectingExit(JSON.stringify(NATS_ONLY), { REDRIVE_BASE_PATH: "/console" }, { build: SUBPATH });
    expect(code).toBe(64);
    expect(output).toContain(
      'Redrive cannot start: REDRIVE_BASE_PATH is "/console", but this build serves under /redrive. The base path is fixed when Redrive is built: rebuild with REDRIVE_BASE_PATH=/console, or set REDRIVE_BASE_PATH=/redrive.',
    );
  });

  it("stops when publicUrl names another path than the build's", async () => {
    const { code, output } = await runAppExpectingExit(JSON.stringify({ ...NATS_ONLY, publicUrl: "https://ops.example.com/console" }), {}, { build: SUBPATH });
    expect(code).toBe(78);
    expect(output).toContain(
      "publicUrl is https://ops.example.com/console, whose path /console is not where this build of Redrive is served (under /redrive).",
    );
  });
});
