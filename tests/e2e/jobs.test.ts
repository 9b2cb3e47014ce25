import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import amqp from "amqplib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LetterGroup, LetterPage } from "@/lib/dead-letters/types";
import { createTestDatabase, queryRows } from "../support/postgres";
import { createVhost, until } from "../support/rabbit-admin";
import { api, apiRaw, sessionAs, startApp, type RunningApp } from "./support/app-server";
import { launchBrowser, newAppPage } from "./support/browser";

const ARTIFACTS = path.join(process.cwd(), "test-results");
const id = randomBytes(3).toString("hex");
const VHOST = `e2e-jobs-${id}`;

/**
 * Where the letter table's sticky "Captured" header sits: whether it is the first column, its
 * offset from the left, and the width of whatever column is first.
 */
function stickyTimeHeader(p: Page) {
  return p.getByTestId("letter-table").evaluate((table) => {
    const ths = [...table.querySelectorAll("thead th")];
    const time = ths.find((th) => th.textContent?.trim() === "Captured");
    if (!time || !ths[0]) throw new Error("no Captured column");
    return { first: ths[0] === time, left: getComputedStyle(time).left, firstWidth: ths[0].getBoundingClientRect().width };
  });
}

describe("an operator requeues and terminates dead letters; a viewer cannot", () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  const cluster = `rmq-${id}`;
  const sent = new Map<string, Buffer>();
  const received: Array<{ messageId: string; body: Buffer }> = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase("redrive_e2e");
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange("dlx", "direct");
    await ch.assertQueue("orders.dlq");
    await ch.bindQueue("orders.dlq", "dlx", "orders");
    await ch.bindQueue("orders.dlq", "dlx", "payments");
    await ch.assertQueue("orders", { arguments: { "x-dead-letter-exchange": "dlx" } });
    await ch.assertQueue("payments", { arguments: { "x-dead-letter-exchange": "dlx" } });
    for (let i = 0; i < 6; i++) {
      const body = Buffer.from(JSON.stringify({ order: i }));
      sent.set(`o-${i}`, body);
      ch.sendToQueue("orders", body, { messageId: `o-${i}`, contentType: "application/json", headers: { "x-error": "timeout" } });
    }
    for (let i = 0; i < 4; i++) ch.sendToQueue("payments", Buffer.from(`payment ${i}`), { messageId: `p-${i}`, headers: { "x-error": "card declined" } });
    await ch.waitForConfirms();
    const rejecter = await conn.createChannel();
    for (const q of ["orders", "payments"]) await rejecter.consume(q, (m) => m && rejecter.nack(m, false, false));
    app = await startApp(
      {
        sampler: { intervalSeconds: 5 },
        clusters: [{ name: cluster, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST], deadLetters: { adopt: ["*/orders.dlq"] } }],
      },
      { DATABASE_URL: db.url },
    );
    await until(() => api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}&limit=50`), (p) => p.items.length === 10, 60_000, 1000);
    await rejecter.close();
    // The consumer the requeue is for: it now keeps what it gets.
    const consumer = await conn.createChannel();
    await consumer.consume("orders", (m) => {
      if (!m) return;
      received.push({ messageId: String(m.properties.messageId), body: m.content });
      consumer.ack(m);
    });
    browser = await launchBrowser();
    // The operator acts; the admin (app.cookie) only sets up and checks.
    page = await newAppPage(browser, app, { viewport: { width: 1440, height: 900 }, cookie: await sessionAs(app, "operator", "olivia") });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await db?.drop();
  });

  it("selects letters, sees the dry run, requeues them, watches the job finish, and the consumer gets each once", async () => {
    await page.goto(`${app.url}/dead-letters?cluster=${cluster}&source=${encodeURIComponent(`${VHOST}/orders`)}`);
    const rows = page.locator('[data-testid="letter-row"]');
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(6);
    // An operator may act, so the list has its checkbox column, and the time column sticks beside it.
    expect(await page.getByTestId("letter-select-all").count()).toBe(1);
    expect(await page.getByTestId("letter-select").count()).toBe(6);
    const operatorHeader = await stickyTimeHeader(page);
    expect(operatorHeader.first).toBe(false);
    expect(operatorHeader.left).toBe(`${operatorHeader.firstWidth}px`);
    for (let i = 0; i < 3; i++) await rows.nth(i).getByTestId("letter-select").check();
    await page.getByTestId("requeue-selected").click();
    const dialog = page.getByTestId("plan-dialog");
    await dialog.waitFor();
    await dialog.getByTestId("plan-total").waitFor();
    expect(await dialog.getByTestId("plan-total").getAttribute("data-total")).toBe("3");
    expect(await dialog.textContent()).toContain(`${VHOST}/orders`);
    await page.screenshot({ path: path.join(ARTIFACTS, "plan-dialog.png") });
    await dialog.getByTestId("confirm-action").click();

    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}/, { timeout: 30_000 });
    await page.locator('[data-testid="job-state"][data-state="completed"]').waitFor({ timeout: 60_000 });
    expect(await page.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("3");
    await page.screenshot({ path: path.join(ARTIFACTS, "job-done.png"), fullPage: true });

    await until(async () => received.length, (n) => n === 3, 20_000);
    const ids = received.map((r) => r.messageId).sort();
    expect(new Set(ids).size).toBe(3);
    for (const r of received) expect(r.body.equals(sent.get(r.messageId)!)).toBe(true);
    const requeued = await api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}&state=requeued`);
    expect(requeued.items.map((l) => l.messageId).sort()).toEqual(ids);
  });

  it("shows a viewer the letters without payloads or actions, and refuses the viewer's requeue", async () => {
    const viewer = await sessionAs(app, "viewer", "victor");
    const viewerPage = await newAppPage(browser, app, { viewport: { width: 1440, height: 900 }, cookie: viewer });
    await viewerPage.goto(`${app.url}/dead-letters?cluster=${cluster}&source=${encodeURIComponent(`${VHOST}/payments`)}`);
    const rows = viewerPage.locator('[data-testid="letter-row"]');
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(4);
    expect(await viewerPage.getByTestId("filter-q").count()).toBe(0);
    expect(await viewerPage.getByTestId("requeue-selected").count()).toBe(0);
    // No boxes to tick that lead nowhere: no checkbox column, and the time column is first, at the edge.
    expect(await viewerPage.getByTestId("letter-select-all").count()).toBe(0);
    expect(await viewerPage.getByTestId("letter-select").count()).toBe(0);
    expect(await viewerPage.locator('[data-testid="letter-table"] input[type="checkbox"]').count()).toBe(0);
    expect(await rows.first().getAttribute("aria-selected")).toBeNull();
    const viewerHeader = await stickyTimeHeader(viewerPage);
    expect(viewerHeader.first).toBe(true);
    expect(viewerHeader.left).toBe("0px");
    // The payload column says why it is blank; the API sent no preview to show.
    expect(await viewerPage.getByTestId("letter-preview").count()).toBe(0);
    expect(await viewerPage.getByTestId("letter-preview-hidden").count()).toBe(4);
    expect(await viewerPage.getByTestId("letter-preview-hidden").first().textContent()).toBe("not shown to your role");
    await viewerPage.screenshot({ path: path.join(ARTIFACTS, "viewer-letters.png") });
    await rows.first().click();
    await viewerPage.waitForURL(/\/dead-letters\/[0-9a-f-]{36}/);
    await viewerPage.getByTestId("payload-hidden").waitFor();
    expect(await viewerPage.getByRole("button", { name: /requeue/i }).count()).toBe(0);
    expect(await viewerPage.getByRole("link", { name: "Audit" }).count()).toBe(0);
    // The groups view: a cause's payload shape lists the payload's JSON keys, so it is left out too.
    const groupsAs = (cookie: string | null) => api<{ groups: LetterGroup[] }>(app, `/api/dead-letters/groups?cluster=${cluster}`, undefined, cookie);
    const seenByViewer = (await groupsAs(viewer)).groups;
    expect(seenByViewer.length).toBeGreaterThan(0);
    for (const g of seenByViewer) expect(g).toMatchObject({ payloadShape: "", payloadShapeHidden: true });
    expect((await groupsAs(app.cookie)).groups.map((g) => g.payloadShape)).toContain("json{order}");
    await viewerPage.goto(`${app.url}/dead-letters?cluster=${cluster}&view=groups`);
    await viewerPage.getByTestId("group-row").first().waitFor({ timeout: 30_000 });
    expect(await viewerPage.getByTestId("group-shape").count()).toBe(0);
    expect(await viewerPage.getByTestId("group-shape-hidden").first().textContent()).toBe("not shown to your role");
    expect(await viewerPage.content()).not.toContain("order}");
    await viewerPage.context().close();

    const letters = await api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}&source=${encodeURIComponent(`${VHOST}/payments`)}`);
    const ids = letters.items.map((l) => l.id);
    const refused = await apiRaw(app, "/api/jobs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "requeue", scope: { kind: "letters", ids }, includePoison: false }) }, viewer);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('Your role (viewer) does not include the "dead-letters:act" permission');
    const jobs = await api<{ items: unknown[] }>(app, "/api/jobs");
    expect(jobs.items).toHaveLength(1);
    const still = await api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}&source=${encodeURIComponent(`${VHOST}/payments`)}`);
    expect(still.items.map((l) => l.state)).toEqual(["dead", "dead", "dead", "dead"]);
  });

  it("terminates a whole cause group from the groups view", async () => {
    await page.goto(`${app.url}/dead-letters?cluster=${cluster}&view=groups&source=${encodeURIComponent(`${VHOST}/payments`)}`);
    const group = page.locator('[data-testid="group-row"]').first();
    await group.waitFor({ timeout: 30_000 });
    await group.getByTestId("terminate-group").click();
    const dialog = page.getByTestId("plan-dialog");
    await dialog.getByTestId("plan-total").waitFor();
    expect(await dialog.getByTestId("plan-total").getAttribute("data-total")).toBe("4");
    await dialog.getByTestId("confirm-action").click();
    await until(() => api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}&state=terminated`), (p) => p.items.length === 4, 30_000, 500);
    const audit = await api<{ items: Array<{ action: string; state: string; counts: { done: number } }> }>(app, "/api/jobs");
    expect(audit.items.map((j) => [j.action, j.state, j.counts.done])).toEqual([
      ["terminate", "completed", 4],
      ["requeue", "completed", 3],
    ]);
    // Every job and every letter it touched is on record under the operator who asked (a job's
    // letters in its chunk rows, each found through the audit's letter index: one line per letter).
    const rows = await queryRows<{ actor: string; action: string; phase: string; n: string }>(
      db.url,
      `SELECT a.actor, a.action, a.phase, count(*)::text AS n FROM audit_events a LEFT JOIN audit_event_letters al ON al.event_id = a.id
       WHERE a.action LIKE 'job.%' OR a.action LIKE 'letter.%' GROUP BY 1, 2, 3 ORDER BY 2, 3`,
    );
    expect(rows.map((r) => [r.action, r.phase, r.n, r.actor])).toEqual([
      ["job.requeue", "intent", "1", "olivia"],
      ["job.requeue", "outcome", "2", "olivia"],
      ["job.terminate", "intent", "1", "olivia"],
      ["job.terminate", "outcome", "2", "olivia"],
      ["letter.requeue", "intent", "3", "olivia"],
      ["letter.requeue", "outcome", "3", "olivia"],
      ["letter.terminate", "intent", "4", "olivia"],
      ["letter.terminate", "outcome", "4", "olivia"],
    ]);
  });

  it("offers requeue elsewhere and edit only to roles holding dead-letters:redirect, and shows why a destination is refused", async () => {
    const dead = await api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}&state=dead&source=${encodeURIComponent(`${VHOST}/orders`)}`);
    const letter = dead.items[0]!;
    // The operator requeues as it is; sending it elsewhere or edited is not offered.
    await page.goto(`${app.url}/dead-letters/${letter.id}`);
    await page.getByTestId("action-requeue").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("action-requeue-elsewhere").count()).toBe(0);
    expect(await page.getByTestId("action-edit-requeue").count()).toBe(0);

    const admin = await newAppPage(browser, app, { viewport: { width: 1440, height: 900 } });
    await admin.goto(`${app.url}/dead-letters/${letter.id}`);
    await admin.getByTestId("action-requeue-elsewhere").click();
    const dialog = admin.getByTestId("plan-dialog");
    await dialog.getByTestId("job-destination").fill(`${VHOST}/no-such-queue`);
    const refusal = dialog.getByTestId("plan-refusal");
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.textContent()).toBe(`Refused: no queue "no-such-queue" in vhost ${VHOST} on cluster ${cluster}, so nothing could be requeued to ${VHOST}/no-such-queue. Nothing was started; pick a destination that exists.`);
    expect(await dialog.getByTestId("confirm-action").isDisabled()).toBe(true);
    await dialog.getByTestId("job-destination").fill("//orders");
    await refusal.filter({ hasText: `Refused: Redrive never requeues there — vhost "/" is not one this cluster watches ("${VHOST}")` }).waitFor({ timeout: 30_000 });
    expect(await dialog.getByTestId("confirm-action").isDisabled()).toBe(true);
    await admin.screenshot({ path: path.join(ARTIFACTS, "plan-refused-destination.png") });
    // A queue that goes away between the dry run and the confirmation: the start refuses it, in its own words.
    const ch = await conn.createChannel();
    await ch.assertQueue("orders.parked");
    await dialog.getByTestId("job-destination").fill(`${VHOST}/orders.parked`);
    await dialog.locator('[data-testid="plan-destination"][data-exists="true"]').waitFor({ timeout: 30_000 });
    await until(() => dialog.getByTestId("confirm-action").isEnabled(), Boolean, 10_000, 100);
    await ch.deleteQueue("orders.parked");
    await ch.close();
    await dialog.getByTestId("confirm-action").click();
    const startRefused = dialog.getByTestId("start-refused");
    await startRefused.waitFor({ timeout: 30_000 });
    expect(await startRefused.textContent()).toBe(`Refused: no queue "orders.parked" in vhost ${VHOST} on cluster ${cluster}, so nothing could be requeued to ${VHOST}/orders.parked. Nothing was started; pick a destination that exists.`);
    await admin.context().close();
    expect((await api<{ items: unknown[] }>(app, "/api/jobs")).items).toHaveLength(2);
  });
});
