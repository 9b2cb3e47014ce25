import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import amqp from "amqplib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LetterPage } from "@/lib/dead-letters/types";
import type { NotificationMessage } from "@/lib/notifications/types";
import type { JobSummary } from "@/lib/redrive/types";
import { createTestDatabase } from "../support/postgres";
import { createVhost, until } from "../support/rabbit-admin";
import { startReceiver } from "../support/webhook-receiver";
import { api, sessionAs, startApp, type RunningApp } from "./support/app-server";
import { launchBrowser, newAppPage } from "./support/browser";

// The operator's view of a requeue that checks its own work: the bug is not fixed yet, so the job
// pauses itself within a minute, says why on its page, notifies, and links every letter that came
// back; fixed, the operator resumes it from the page and it completes with nothing coming back.

const ARTIFACTS = path.join(process.cwd(), "test-results");
const id = randomBytes(3).toString("hex");
const VHOST = `e2e-selfcheck-${id}`;
const N = 200;

describe("a requeue job that checks its own work, seen by the operator", () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: amqp.ChannelModel;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let rejecting = true;
  const acked: string[] = [];
  const cluster = `rmq-sc-${id}`;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    receiver = await startReceiver();
    db = await createTestDatabase("redrive_e2e");
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange("dlx", "direct");
    await ch.assertQueue("work.dlq");
    await ch.bindQueue("work.dlq", "dlx", "work");
    await ch.assertQueue("work", { arguments: { "x-dead-letter-exchange": "dlx" } });
    for (let i = 0; i < N; i++) ch.sendToQueue("work", Buffer.from(JSON.stringify({ order: i })), { messageId: `w-${i}`, contentType: "application/json" });
    await ch.waitForConfirms();
    await ch.close();
    // The application's consumer: it rejects everything until its bug is fixed.
    const consumer = await conn.createChannel();
    await consumer.prefetch(20);
    await consumer.consume("work", (m) => {
      if (!m) return;
      if (rejecting) return consumer.nack(m, false, false);
      acked.push(String(m.properties.messageId));
      consumer.ack(m);
    });
    app = await startApp(
      {
        sampler: { intervalSeconds: 5 },
        redrive: { confirmAbove: 100 },
        clusters: [
          {
            name: cluster,
            kind: "rabbitmq",
            amqpUrl: "amqp://guest:guest@127.0.0.1:5672",
            managementUrl: "http://127.0.0.1:15672",
            vhosts: [VHOST],
            deadLetters: { adopt: ["*/work.dlq"] },
          },
        ],
        notifications: {
          channels: [{ name: "hook", type: "webhook", url: `${receiver.url}/hook` }],
          rules: [{ name: "paused-itself", kind: "job-paused-itself", channels: ["hook"] }],
          allowPrivateTargets: true,
        },
      },
      { DATABASE_URL: db.url },
    );
    await until(
      () => api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}&limit=200`),
      (p) => p.items.length === N,
      60_000,
      1000,
    );
    browser = await launchBrowser();
    page = await newAppPage(browser, app, { viewport: { width: 1440, height: 900 }, cookie: await sessionAs(app, "operator", "olivia") });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await receiver?.close();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await db?.drop();
  });

  it("pauses itself within a minute with its reason on the page, notifies, links every bounce; resumed after the fix, it completes", async () => {
    await page.goto(`${app.url}/dead-letters?cluster=${cluster}&source=${encodeURIComponent(`${VHOST}/work`)}`);
    await page.getByTestId("requeue-matching").click();
    const dialog = page.getByTestId("plan-dialog");
    await dialog.getByTestId("plan-total").waitFor();
    expect(await dialog.getByTestId("plan-total").getAttribute("data-total")).toBe(String(N));
    // 200 is above the configured 100: the count must be typed before the job can start.
    const typed = dialog.getByTestId("job-typed-count");
    await typed.waitFor();
    expect(await dialog.getByTestId("confirm-action").isDisabled()).toBe(true);
    await typed.fill("20");
    expect(await dialog.getByTestId("confirm-action").isDisabled()).toBe(true);
    await typed.fill(String(N));
    await dialog.getByTestId("job-rate").fill("10");
    await page.screenshot({ path: path.join(ARTIFACTS, "self-check-dialog.png") });
    await dialog.getByTestId("confirm-action").click({ timeout: 10_000 });

    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}/, { timeout: 30_000 });
    const jobId = /\/jobs\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const t0 = Date.now();
    const reason = page.getByTestId("job-paused-reason");
    await reason.waitFor({ timeout: 60_000 });
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(await reason.textContent()).toMatch(/^Paused itself: /);
    expect(await reason.getAttribute("data-paused-by")).toBe("gate");
    await page.locator('[data-testid="job-state"][data-state="paused"]').waitFor();
    // A chunk already on its way when the gate paused the job still goes out: read the counts once it settled.
    await until(
      async () => (await api<JobSummary>(app, `/api/jobs/${jobId}`)).counts.in_flight,
      (n) => n === 0,
      30_000,
      250,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const job = await api<JobSummary>(app, `/api/jobs/${jobId}`);
    expect(job.counts.done).toBeLessThanOrEqual(60);
    expect(job.pausedReason).toBe((await reason.textContent())!.replace(/ Resume once.*$/, ""));

    // "Came back dead" counts up live to every letter it sent, and links to them.
    const bounces = page.getByTestId("job-bounces");
    await until(
      async () => Number(await bounces.getAttribute("data-bounced")),
      (n) => n === job.counts.done,
      30_000,
      500,
    );
    expect(await bounces.textContent()).toContain(`${job.counts.done} of ${job.counts.done}`);
    await page.screenshot({ path: path.join(ARTIFACTS, "self-check-paused.png"), fullPage: true });

    // The notification went out, linking to the job.
    const message = await until(
      async () => receiver.received.map((r) => r.body as NotificationMessage).find((b) => b.status === "firing" && b.rule.kind === "job-paused-itself"),
      (m) => m !== undefined,
      60_000,
      500,
    );
    expect(message!.link).toMatch(new RegExp(`/jobs/${jobId}$`));

    // Every letter that came back names the job; the letter page tells the story.
    await page.getByTestId("job-bounces-link").click();
    await page.waitForURL(new RegExp(`bouncedFromJob=${jobId}`));
    const listed = await api<LetterPage>(app, `/api/dead-letters?bouncedFromJob=${jobId}&limit=200`);
    expect(listed.items).toHaveLength(job.counts.done);
    expect(listed.items.every((l) => l.bouncedFromJobId === jobId)).toBe(true);
    await page.locator('[data-testid="letter-row"]').first().waitFor();
    // The inbox renders only the rows in view (a virtual list): its count line says how many it loaded.
    await page.getByTestId("letter-count").waitFor();
    expect(await page.getByTestId("letter-count").textContent()).toMatch(new RegExp(`^${job.counts.done} letters loaded`));
    await page.goto(`${app.url}/dead-letters/${listed.items[0]!.id}`);
    const lineage = page.getByTestId("letter-bounced-from");
    await lineage.waitFor();
    expect(await lineage.textContent()).toMatch(new RegExp(`^Requeued by Job ${job.number} at .+, died again \\d+ s later \\(rejected\\)`));
    await page.screenshot({ path: path.join(ARTIFACTS, "self-check-letter.png"), fullPage: true });

    // The fix is deployed: the operator resumes; the job completes and nothing more comes back.
    rejecting = false;
    await page.goto(`${app.url}/jobs/${jobId}`);
    await page.getByTestId("job-resume").click();
    await page.locator('[data-testid="job-state"][data-state="completed"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("job-paused-reason").count()).toBe(0);
    await until(
      async () => acked.length,
      (n) => n === N - job.counts.done,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const after = await api<JobSummary>(app, `/api/jobs/${jobId}`);
    expect(after.counts.done).toBe(N);
    expect(after.watch).toMatchObject({ sent: N, bounced: job.counts.done });
    await page.screenshot({ path: path.join(ARTIFACTS, "self-check-completed.png"), fullPage: true });
  }, 240_000);

  it("starts a requeue with a canary from the dry-run dialog; the job page shows it pass, and the job goes on by itself", async () => {
    // What came back dead during the first job is still in the inbox; the consumer is fixed now.
    const before = acked.length;
    await page.goto(`${app.url}/dead-letters?cluster=${cluster}&source=${encodeURIComponent(`${VHOST}/work`)}&state=dead`);
    await page.getByTestId("requeue-matching").click();
    const dialog = page.getByTestId("plan-dialog");
    await dialog.getByTestId("plan-total").waitFor();
    const total = Number(await dialog.getByTestId("plan-total").getAttribute("data-total"));
    expect(total).toBeGreaterThan(10);
    const canary = dialog.getByTestId("job-canary");
    await canary.waitFor();
    // Below canary.defaultAbove (1,000) it is offered switched off.
    expect(await canary.isChecked()).toBe(false);
    await canary.check();
    expect(await dialog.getByTestId("job-safety").textContent()).toContain("canary of 10 letters");
    await dialog.getByTestId("confirm-action").click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}/, { timeout: 30_000 });
    const verdict = page.getByTestId("job-canary");
    await verdict.waitFor();
    await page.locator('[data-testid="job-canary"][data-canary="passed"]').waitFor({ timeout: 90_000 });
    expect(await verdict.textContent()).toMatch(/Canary of 10: passed — Canary passed/);
    await page.locator('[data-testid="job-state"][data-state="completed"]').waitFor({ timeout: 60_000 });
    await until(
      async () => acked.length - before,
      (n) => n === total,
      30_000,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, "self-check-canary.png"), fullPage: true });
  }, 180_000);
});
