import { mkdirSync } from "node:fs";
import path from "node:path";
import { connect as natsConnect } from "@nats-io/transport-node";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/postgres";
import { closedPort, TcpProxy } from "../support/tcp-proxy";
import { startApp, type RunningApp, apiRaw } from "./support/app-server";
import { launchBrowser, newAppPage } from "./support/browser";

const ARTIFACTS = path.join(process.cwd(), "test-results");

describe("the console against the local brokers", () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const proxy = new TcpProxy(4222);
  let deadPort = 0;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase("redrive_e2e");
    const natsPort = await proxy.start();
    deadPort = await closedPort();
    app = await startApp(
      {
        statusIntervalSeconds: 1,
        connectTimeoutSeconds: 2,
        clusters: [
          { name: "nats-main", kind: "nats", servers: [`nats://127.0.0.1:${natsPort}`] },
          { name: "rabbit-main", kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" },
          { name: "nats-gone", kind: "nats", servers: [`nats://127.0.0.1:${deadPort}`] },
        ],
      },
      { DATABASE_URL: db.url },
    );
    browser = await launchBrowser();
    page = await newAppPage(browser, app);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await proxy.cut();
    await db?.drop();
  });

  const card = (name: string) => page.locator(`[data-testid="cluster-card"][data-cluster="${name}"]`);

  it("shows every configured cluster with its reachability and the broker's own version", async () => {
    const raw = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    const natsVersion = raw.info?.version;
    await raw.close();
    const overview = (await (
      await fetch("http://127.0.0.1:15672/api/overview", { headers: { authorization: "Basic " + Buffer.from("guest:guest").toString("base64") } })
    ).json()) as { rabbitmq_version: string };

    await page.goto(app.url + "/");
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    await card("nats-main").and(page.locator('[data-state="up"]')).waitFor();
    await card("rabbit-main").and(page.locator('[data-state="up"]')).waitFor();
    await card("nats-gone").and(page.locator('[data-state="down"]')).waitFor();

    expect(await page.locator('[data-testid="cluster-card"]').count()).toBe(3);
    expect(await card("nats-main").getByTestId("cluster-version").textContent()).toBe(natsVersion);
    expect(await card("rabbit-main").getByTestId("cluster-version").textContent()).toBe(overview.rabbitmq_version);
    expect(await card("rabbit-main").getByTestId("cluster-management").textContent()).toMatch(/^answers/);
    expect(await card("nats-gone").getByTestId("cluster-state").textContent()).toBe("Unreachable");
    expect(await card("nats-gone").getByTestId("cluster-error").textContent()).toContain(`nats://127.0.0.1:${deadPort}`);
    expect(await card("nats-gone").getByTestId("cluster-since").textContent()).toMatch(/ago/);
    await page.screenshot({ path: path.join(ARTIFACTS, "overview.png"), fullPage: true });
  });

  it("navigates to every section from the shell", async () => {
    await page.goto(app.url + "/");
    for (const [label, href] of [
      ["Consumers", "/consumers"],
      ["Dead letters", "/dead-letters"],
      ["Jobs", "/jobs"],
      ["Audit", "/audit"],
      ["Overview", "/"],
    ] as const) {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
      await page.waitForURL(app.url + href);
      await page.getByRole("heading", { name: label, level: 1 }).waitFor();
      expect(await page.getByRole("link", { name: label, exact: true }).getAttribute("aria-current")).toBe("page");
    }
  });

  it("shows NATS as unreachable, and since when, within one refresh of it going away; the rest keeps working", async () => {
    await page.goto(app.url + "/");
    await card("nats-main").and(page.locator('[data-state="up"]')).waitFor();
    const cutAt = Date.now();
    await proxy.cut();
    // One refresh: the monitor's interval (1 s) plus the client's poll (1 s) plus the probe's own timeout.
    await card("nats-main").and(page.locator('[data-state="down"]')).waitFor({ timeout: 10_000 });
    expect(await card("nats-main").getByTestId("cluster-state").textContent()).toBe("Unreachable");
    expect(await card("nats-main").getByTestId("cluster-error").textContent()).toContain(`127.0.0.1:${proxy.port}`);
    const sinceIso = await card("nats-main").locator('[data-testid="cluster-since"] time').getAttribute("datetime");
    expect(Date.parse(sinceIso!)).toBeGreaterThanOrEqual(cutAt - 1000);
    expect(await card("rabbit-main").getAttribute("data-state")).toBe("up");

    await page.getByRole("link", { name: "Dead letters", exact: true }).click();
    await page.getByRole("heading", { name: "Dead letters", level: 1 }).waitFor();
    const health = (await (await apiRaw(app, "/api/health")).json()) as { data: { status: string; store: { ok: boolean; kind: string }; clusters: Array<{ name: string; state: string }> } };
    expect(health.data.status).toBe("degraded");
    expect(health.data.store).toMatchObject({ ok: true, kind: "postgres" });
    expect(health.data.clusters.find((c) => c.name === "nats-main")?.state).toBe("down");

    await proxy.restore();
    await page.getByRole("link", { name: "Overview", exact: true }).click();
    await card("nats-main").and(page.locator('[data-state="up"]')).waitFor({ timeout: 15_000 });
  });

  it("records what it saw of each cluster in the store", async () => {
    const pg = await import("pg");
    const c = new pg.default.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query(`SELECT name, kind, reachable, server_version FROM clusters ORDER BY name`);
    await c.end();
    expect(rows.map((r: { name: string }) => r.name)).toEqual(["nats-gone", "nats-main", "rabbit-main"]);
    expect(rows.find((r: { name: string }) => r.name === "nats-gone")).toMatchObject({ kind: "nats", reachable: false, server_version: null });
  });
});
