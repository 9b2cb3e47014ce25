import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import amqp from "amqplib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DlqOverview, LetterDetail, LetterGroup, LetterPage } from "@/lib/dead-letters/types";
import type { ConsumerListResponse } from "@/lib/health/types";
import { createTestDatabase, queryRows } from "../support/postgres";
import { createVhost, queueStats, until } from "../support/rabbit-admin";
import { api, startApp, type RunningApp, apiRaw } from "./support/app-server";
import { launchBrowser, newAppPage } from "./support/browser";

const ARTIFACTS = path.join(process.cwd(), "test-results");
const id = randomBytes(3).toString("hex");
const VHOST = `e2e-letters-${id}`;
const HOSTILE = `<script>window.__pwned = true; alert("x")</script><img src=x onerror="window.__pwned=true">`;


describe("the dead-letter inbox", () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  const cluster = `rmq-${id}`;
  const big = randomBytes(10 * 1024 * 1024);
  const bodies: Record<string, Buffer> = {
    "m-json": Buffer.from(JSON.stringify({ orderId: 7, items: [{ sku: "A-1", qty: 2 }], note: "deep" })),
    "m-hostile": Buffer.from(HOSTILE),
    "m-binary": Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xff, 0x00, 0xc3, 0x28]),
    "m-big": big,
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase("redrive_e2e");
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange("dlx", "direct");
    await ch.assertQueue("orders.dlq");
    await ch.bindQueue("orders.dlq", "dlx", "orders");
    await ch.assertQueue("orders", { arguments: { "x-dead-letter-exchange": "dlx" } });
    for (const [messageId, body] of Object.entries(bodies)) ch.sendToQueue("orders", body, { messageId, headers: { "x-tenant": "acme", "x-error": "validation failed for order 7" } });
    await ch.waitForConfirms();
    const worker = await conn.createChannel();
    await worker.consume("orders", (m) => m && worker.nack(m, false, false));
    await until(() => queueStats(VHOST, "orders.dlq"), (s) => s.messages_ready === 4, 30_000);
    await worker.close();
    app = await startApp(
      { sampler: { intervalSeconds: 5 }, clusters: [{ name: cluster, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] }] },
      { DATABASE_URL: db.url },
    );
    browser = await launchBrowser();
    page = await newAppPage(browser, app);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await db?.drop();
  });

  it("finds the DLQ, leaves it alone until adopted, then collects it empty into the inbox, with an audit trail", async () => {
    const overview = await until(() => api<DlqOverview>(app, "/api/dlqs"), (o) => o.dlqs.some((d) => d.cluster === cluster), 30_000, 1000);
    const dlq = overview.dlqs.find((d) => d.cluster === cluster)!;
    expect(dlq).toMatchObject({ name: `${VHOST}/orders.dlq`, sources: ["orders"], adopted: false, foundBy: "dead-letter exchange of orders" });
    expect((await queueStats(VHOST, "orders.dlq")).messages_ready).toBe(4);

    // In consumer health the DLQ is marked as one, never STOPPED, though it holds letters and has no consumer.
    const health = await until(() => api<ConsumerListResponse>(app, `/api/consumers?cluster=${cluster}&role=dlq`), (l) => l.items[0]?.role === "dlq" && l.items[0].backlog === 4, 30_000, 1000);
    expect(health.items.map((c) => [c.name, c.state, c.reason])).toEqual([["orders.dlq", "OK", "dead-letter queue, holding 4 dead letters (no consumer)"]]);
    expect((await api<ConsumerListResponse>(app, `/api/consumers?cluster=${cluster}&role=app`)).items.map((c) => c.name)).toEqual(["orders"]);
    await page.goto(`${app.url}/consumers?cluster=${cluster}&role=dlq`);
    const row = page.getByTestId("consumer-row").filter({ hasText: "orders.dlq" });
    await row.getByTestId("consumer-role").waitFor({ timeout: 30_000 });
    expect(await row.getByTestId("consumer-role").textContent()).toBe("DLQ");
    expect(await page.getByTestId("consumer-row").count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "consumers-dlq-role.png"), fullPage: true });
    await row.getByTestId("consumer-name").click();
    await page.getByTestId("consumer-dlq-link").click();
    await page.waitForURL(new RegExp(`/dlqs/${dlq.id}$`));

    const refused = await apiRaw(app, "/api/dlqs/adopt", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ cluster, name: "nope", adopted: true }) });
    expect(refused.status).toBe(404);

    const adopted = await api<{ adopted: boolean }>(app, "/api/dlqs/adopt", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ cluster, name: dlq.name, adopted: true }) });
    expect(adopted.adopted).toBe(true);
    const letters = await until(() => api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}`), (p) => p.items.length === 4, 60_000, 1000);
    expect(letters.items.map((l) => l.messageId).sort()).toEqual(Object.keys(bodies).sort());
    await until(() => queueStats(VHOST, "orders.dlq"), (s) => s.messages_ready === 0 && s.messages_unacknowledged === 0, 30_000);

    const audit = await queryRows(db.url, `SELECT action, phase, result, target FROM audit_events WHERE action LIKE 'dlq.%' ORDER BY id`);
    expect(audit).toEqual([
      { action: "dlq.adopt", phase: "intent", result: null, target: `dlq:${cluster}/${dlq.name}` },
      { action: "dlq.adopt", phase: "outcome", result: "ok", target: `dlq:${cluster}/${dlq.name}` },
    ]);
  });

  it("filters, pages by cursor and groups the inbox", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p: LetterPage = await api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...p.items.map((l) => l.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(4);
    expect(seen).toHaveLength(4);
    expect((await api<LetterPage>(app, `/api/dead-letters?q=${encodeURIComponent("onerror")}`)).items.map((l) => l.messageId)).toEqual(["m-hostile"]);
    expect((await api<LetterPage>(app, `/api/dead-letters?header=${encodeURIComponent("x-tenant:acme")}&limit=10`)).items).toHaveLength(4);
    expect((await api<LetterPage>(app, `/api/dead-letters?messageId=m-json`)).items[0]!.reason).toBe("rejected");
    const { groups } = await api<{ groups: LetterGroup[] }>(app, `/api/dead-letters/groups?cluster=${cluster}`);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(4);
    const json = groups.find((g) => g.payloadShape === "json{items,note,orderId}")!;
    expect(json).toMatchObject({ count: 1, source: `${VHOST}/orders`, reason: "rejected", errorText: "validation failed for order 7" });
    expect(json.arrivals.reduce((a, b) => a + b, 0)).toBe(1);
    const bad = await apiRaw(app, `/api/dead-letters?cursor=garbage`);
    expect(bad.status).toBe(400);
  });

  it("shows a 10 MB payload in part and downloads it whole, byte for byte", async () => {
    const [letter] = (await api<LetterPage>(app, `/api/dead-letters?messageId=m-big`)).items;
    const detail = await api<LetterDetail>(app, `/api/dead-letters/${letter!.id}`);
    expect(detail.payloadTruncated).toBe(true);
    expect(Buffer.from(detail.payloadBase64!, "base64").equals(big.subarray(0, 256 * 1024))).toBe(true);
    const res = await apiRaw(app, `/api/dead-letters/${letter!.id}/payload`);
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(createHash("sha256").update(big).digest("hex"));
  });

  it("counts the inbox on the Overview", async () => {
    const dead = (await api<LetterPage>(app, `/api/dead-letters?state=dead&limit=200`)).items.length;
    await page.goto(`${app.url}/`);
    await page.getByTestId("inbox-dead").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("inbox-dead").textContent()).toBe(String(dead));
  });

  it("renders hostile payloads as text and binary ones as hex in the browser", async () => {
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${app.url}/dead-letters?cluster=${cluster}`);
    const hostileRow = page.locator('[data-testid="letter-row"]').filter({ hasText: "<script>" });
    await hostileRow.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "dead-letters.png"), fullPage: true });
    await hostileRow.getByRole("link").first().click();
    await page.getByTestId("payload-viewer").waitFor();
    expect(await page.getByTestId("payload-viewer").textContent()).toContain("<script>window.__pwned = true;");
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);

    const [binary] = (await api<LetterPage>(app, `/api/dead-letters?messageId=m-binary`)).items;
    await page.goto(`${app.url}/dead-letters/${binary!.id}`);
    await page.getByTestId("payload-viewer").waitFor();
    expect(await page.getByTestId("payload-viewer").textContent()).toMatch(/de\s*ad\s*be\s*ef/i);
    await page.getByTestId("death-timeline").waitFor();
    expect(await page.getByTestId("death-timeline").textContent()).toContain("rejected");
    await page.screenshot({ path: path.join(ARTIFACTS, "dead-letter-binary.png"), fullPage: true });
  });
});
