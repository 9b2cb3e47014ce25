import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import amqp from "amqplib";
import { parse } from "csv-parse/sync";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditPage } from "@/lib/audit/types";
import type { DlqOverview, LetterPage } from "@/lib/dead-letters/types";
import type { JobSummary } from "@/lib/redrive/types";
import { createTestDatabase, queryRows } from "../support/postgres";
import { createVhost, queueStats, until } from "../support/rabbit-admin";
import { api, apiRaw, startApp, type RunningApp } from "./support/app-server";
import { launchBrowser, newAppPage } from "./support/browser";

// An operator adopts a DLQ and terminates a letter, then reads what was recorded: the Audit page,
// its filters in the URL, an entry's own page with its partner, the letter's and the job's audit
// trails, and a CSV export of exactly what the filters show.

const ARTIFACTS = path.join(process.cwd(), "test-results");
const id = randomBytes(3).toString("hex");
const VHOST = `e2e-audit-${id}`;

describe("the audit log in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  const cluster = `rmq-${id}`;
  let letterId: string;
  let job: JobSummary;

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
    for (let i = 0; i < 3; i++) ch.sendToQueue("orders", Buffer.from(JSON.stringify({ order: i })), { messageId: `a-${i}`, headers: { "x-error": "timeout" } });
    await ch.waitForConfirms();
    const worker = await conn.createChannel();
    await worker.consume("orders", (m) => m && worker.nack(m, false, false));
    await until(() => queueStats(VHOST, "orders.dlq"), (s) => s.messages_ready === 3, 30_000);
    await worker.close();
    // As behind a reverse proxy (trustProxy): the job below is started from the address the proxy reports.
    app = await startApp(
      { sampler: { intervalSeconds: 5 }, auth: { trustProxy: true }, clusters: [{ name: cluster, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] }] },
      { DATABASE_URL: db.url },
    );
    browser = await launchBrowser();
    page = await newAppPage(browser, app, { viewport: { width: 1440, height: 900 }, acceptDownloads: true });

    // The actions on record: an adoption, then a terminate of one letter.
    const overview = await until(() => api<DlqOverview>(app, "/api/dlqs"), (o) => o.dlqs.some((d) => d.cluster === cluster), 30_000, 1000);
    const dlq = overview.dlqs.find((d) => d.cluster === cluster)!;
    await api(app, "/api/dlqs/adopt", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ cluster, name: dlq.name, adopted: true }) });
    const letters = await until(() => api<LetterPage>(app, `/api/dead-letters?cluster=${cluster}`), (p) => p.items.length === 3, 60_000, 1000);
    letterId = letters.items.find((l) => l.messageId === "a-1")!.id;
    const started = await api<JobSummary>(app, "/api/jobs", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.23" },
      body: JSON.stringify({ action: "terminate", scope: { kind: "letters", ids: [letterId] }, includePoison: false }),
    });
    job = await until(() => api<JobSummary>(app, `/api/jobs/${started.id}`), (j) => j.state === "completed", 30_000, 500);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await db?.drop();
  });

  it("logs the chain's head at start, and audit:verify holds the log to it", async () => {
    const logged = () =>
      app
        .logs()
        .split("\n")
        .filter((l) => l.includes('"audit chain head"'))
        .map((l) => JSON.parse(l) as { row: string; hash: string; check: string });
    const heads = await until(async () => logged(), (h) => h.length >= 1, 30_000, 200);
    const head = heads[0]!;
    const [row] = await queryRows<{ id: string; hash: string }>(db.url, `SELECT id::text AS id, hash FROM audit_events WHERE id = $1`, [head.row]);
    expect(row).toEqual({ id: head.row, hash: head.hash });
    expect(head.check).toBe(`npm run audit:verify -- --anchor ${head.row}:${head.hash}`);
    const out = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", "audit:verify", "--", "--anchor", `${head.row}:${head.hash}`], { env: { ...process.env, REDRIVE_CONFIG: "", DATABASE_URL: db.url }, stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (d: Buffer) => (text += d.toString()));
      child.stderr.on("data", (d: Buffer) => (text += d.toString()));
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code, text }));
    });
    expect(out.text).toContain(`anchor row ${head.row} holds`);
    expect(out.code).toBe(0);
  });

  it("lists what was done, newest first, and narrows it by filters held in the URL", async () => {
    const all = await api<AuditPage>(app, "/api/audit?limit=500");
    // The job's "started" outcome and the runner's first letter may land in either order.
    expect(all.items[0]).toMatchObject({ action: "job.terminate", phase: "outcome", result: "completed" });
    expect(all.items.map((e) => `${e.action}/${e.phase}/${e.result ?? ""}`).sort()).toEqual(
      // The first admin made at start-up and its sign-in come first.
      ["user.create/event/ok", "auth.sign-in/event/ok", "dlq.adopt/intent/", "dlq.adopt/outcome/ok", "job.terminate/intent/", "job.terminate/outcome/completed", "job.terminate/outcome/ok", "letter.terminate/intent/", "letter.terminate/outcome/done"].sort(),
    );
    expect(all.items.slice(-4).map((e) => e.action)).toEqual(["dlq.adopt", "dlq.adopt", "auth.sign-in", "user.create"]);

    await page.goto("/audit");
    const rows = page.locator('[data-testid="audit-row"]');
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(9);
    expect(await rows.first().getAttribute("data-audit-id")).toBe(all.items[0]!.id);
    await page.getByTestId("audit-end").waitFor();

    await page.getByTestId("audit-filter-action").fill("letter.");
    await page.waitForURL(/[?&]action=letter\./, { timeout: 10_000 });
    await until(async () => rows.count(), (n) => n === 2, 10_000, 200);
    expect(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-action")))).toEqual(["letter.terminate", "letter.terminate"]);

    await page.getByRole("button", { name: "intent", exact: true }).click();
    await page.waitForURL(/[?&]phase=intent/, { timeout: 10_000 });
    await until(async () => rows.count(), (n) => n === 1, 10_000, 200);
    expect(await rows.first().getAttribute("data-phase")).toBe("intent");

    // The same view from a link: what is in the URL is what shows.
    await page.goto(`/audit?cluster=${encodeURIComponent(cluster)}`);
    await until(async () => (await rows.count()) === 2 && (await rows.first().getAttribute("data-action")), (a) => a === "dlq.adopt", 20_000, 200);
    expect(await page.getByTestId("audit-filter-cluster").inputValue()).toBe(cluster);

    await page.goto("/audit");
    await rows.nth(8).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "audit.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: path.join(ARTIFACTS, "audit-dark.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("opens an entry's own page: what was asked, its partner, its place in the chain", async () => {
    const [outcome] = (await api<AuditPage>(app, `/api/audit?letter=${letterId}&phase=outcome`)).items;
    await page.goto(`/audit?letter=${letterId}`);
    const row = page.locator(`[data-testid="audit-row"][data-audit-id="${outcome!.id}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId("audit-link").click();
    await page.waitForURL(new RegExp(`/audit/${outcome!.id}$`), { timeout: 10_000 });
    await page.getByTestId("audit-entry").waitFor();
    expect(await page.getByTestId("audit-entry-title").textContent()).toBe(`#${outcome!.id} letter.terminate`);
    expect(await page.getByTestId("audit-entry-result").textContent()).toBe("done");
    const partner = page.getByTestId("audit-partner");
    await partner.waitFor();
    expect(await partner.getAttribute("data-phase")).toBe("intent");
    expect(await partner.getAttribute("data-audit-id")).toBe(outcome!.intentId);
    expect(await page.getByTestId("audit-hash").textContent()).toBe(outcome!.hash);
    expect(await page.getByTestId("audit-prev-hash").textContent()).toBe(outcome!.prevHash);
    expect(await page.getByTestId("audit-detail").textContent()).toContain(job.id);
    // A job's chunk row is on the job: its target links there, and it says how many letters it names.
    expect(await page.getByTestId("audit-entry-target").getAttribute("href")).toBe(`/jobs/${job.id}`);
    expect(await page.getByTestId("audit-entry-chunk").textContent()).toContain("1 letter of this job");
    await page.screenshot({ path: path.join(ARTIFACTS, "audit-entry.png"), fullPage: true });

    // A permanent address: it opens the same entry fresh.
    await page.goto(`/audit/${outcome!.id}`);
    await page.getByTestId("audit-entry-title").waitFor();
    await page.goto("/audit/999999999");
    await page.getByTestId("audit-entry-not-found").waitFor({ timeout: 20_000 });
  });

  it("follows the Audit trail from a letter and from its job", async () => {
    await page.goto(`/dead-letters/${letterId}`);
    await page.getByTestId("letter-audit-trail").click();
    await page.waitForURL(new RegExp(`/audit\\?letter=${letterId}$`), { timeout: 10_000 });
    const rows = page.locator('[data-testid="audit-row"]');
    await until(async () => rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-phase"))), (p) => p.join() === "outcome,intent", 20_000, 200);
    expect(await page.getByTestId("audit-filter-letter").textContent()).toContain(letterId);

    // From the entry back to the letter through its target link.
    await rows.first().getByTestId("audit-target-link").click();
    await page.waitForURL(new RegExp(`/dead-letters/${letterId}$`), { timeout: 10_000 });

    await page.goto(`/jobs/${job.id}`);
    await page.getByTestId("job-audit-trail").click();
    await page.waitForURL(new RegExp(`/audit\\?job=${job.id}$`), { timeout: 10_000 });
    const expected = ["job.terminate/intent", "job.terminate/outcome", "job.terminate/outcome", "letter.terminate/intent", "letter.terminate/outcome"];
    await until(
      async () => rows.evaluateAll((rs) => rs.map((r) => `${r.getAttribute("data-action")}/${r.getAttribute("data-phase")}`)),
      (a) => a.length === 5 && [...a].sort().join() === expected.join() && a[4] === "job.terminate/intent",
      20_000,
      200,
    );
    const started = page.locator('[data-testid="audit-row"][data-phase="intent"][data-action="job.terminate"]');
    expect(await started.textContent()).toContain("198.51.100.23");
  });

  it("exports exactly what the filters show, as CSV and JSON", async () => {
    await page.goto(`/audit?job=${job.id}`);
    await page.locator('[data-testid="audit-row"]').nth(4).waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("audit-export-csv").click()]);
    expect(download.suggestedFilename()).toMatch(/^redrive-audit-\d{8}T\d{6}Z\.csv$/);
    const file = path.join(ARTIFACTS, `audit-export-${id}.csv`);
    await download.saveAs(file);
    const rows = parse(readFileSync(file, "utf8"), { columns: true }) as Array<Record<string, string>>;
    const shown = (await api<AuditPage>(app, `/api/audit?job=${job.id}`)).items.reverse();
    expect(rows.map((r) => [r.id, r.action, r.phase, r.hash])).toEqual(shown.map((e) => [e.id, e.action, e.phase, e.hash]));

    const res = await apiRaw(app, `/api/audit/export?format=json&job=${job.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="redrive-audit-\d{8}T\d{6}Z\.json"$/);
    expect(((await res.json()) as Array<{ id: string }>).map((e) => e.id)).toEqual(shown.map((e) => e.id));
    // Both exports are on record.
    const exports = await api<AuditPage>(app, "/api/audit?action=audit.export");
    expect(exports.items.map((e) => (e.request as { format: string }).format)).toEqual(["json", "csv"]);
  });
});
