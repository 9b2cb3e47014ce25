import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import amqp from "amqplib";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboxTotals } from "@/lib/dead-letters/types";
import type { ConsumerListResponse } from "@/lib/health/types";
import type { NotificationMessage, NotificationSettings, TestResult } from "@/lib/notifications/types";
import { parseExposition, sampleOf } from "../support/parse-exposition";
import { createTestDatabase, queryRows } from "../support/postgres";
import { createVhost, queueStats, until } from "../support/rabbit-admin";
import { startReceiver } from "../support/webhook-receiver";
import { api, apiRaw, startApp, type RunningApp } from "./support/app-server";
import { launchBrowser, newAppPage } from "./support/browser";

const ARTIFACTS = path.join(process.cwd(), "test-results");
const id = randomBytes(3).toString("hex");
const VHOST = `e2e-notify-${id}`;
const CLUSTER = `rmq-notify-${id}`;

describe("alerts that land on the page that explains them", () => {
  let app: RunningApp;
  let browser: Browser;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let conn: Awaited<ReturnType<typeof amqp.connect>>;
  let worker: amqp.Channel;
  let workerTag = "";
  let consumerId = "";
  const hook = () => receiver.received.filter((r) => r.path === "/hook").map((r) => r.body as NotificationMessage);

  const consume = async () => {
    const { consumerTag } = await worker.consume("orders", (m) =>
        m &&
        setTimeout(() => {
          try {
            worker.ack(m);
          } catch {
            // the channel closed at the end of the test
          }
        }, 200), { noAck: false });
    workerTag = consumerTag;
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase("redrive_e2e");
    receiver = await startReceiver();
    vhost = await createVhost(VHOST);
    conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue("orders", { durable: false });
    for (let i = 0; i < 200; i++) ch.sendToQueue("orders", Buffer.from(JSON.stringify({ i })));
    await ch.waitForConfirms();
    worker = await conn.createChannel();
    await worker.prefetch(1);
    await consume();
    app = await startApp(
      (url: string) => ({
        statusIntervalSeconds: 2,
        sampler: { intervalSeconds: 5 },
        publicUrl: url,
        metrics: { open: true },
        clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [VHOST] }],
        notifications: {
          channels: [
            { name: "ops-hook", type: "webhook", url: `${receiver.url}/hook` },
            { name: "ops-chat", type: "slack", urlEnv: "E2E_NOTIFY_CHAT" },
          ],
          rules: [{ name: "consumer stopped", kind: "consumer-state", states: ["STOPPED"], cluster: CLUSTER, channels: ["ops-hook", "ops-chat"] }],
          delivery: { timeoutSeconds: 3, backoffSeconds: 1 },
          // The receiver listens on loopback.
          allowPrivateTargets: true,
        },
      }),
      { DATABASE_URL: db.url, E2E_NOTIFY_CHAT: `${receiver.url}/chat/T000/B000/secret` },
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await conn?.close().catch(() => undefined);
    await vhost?.drop();
    await receiver?.close();
    await db?.drop();
  });

  it("serves /api/metrics in the exposition format with the numbers the UI shows", async () => {
    const list = await until(() => api<ConsumerListResponse>(app, `/api/consumers?cluster=${CLUSTER}`), (l) => l.items.some((c) => c.name === "orders" && c.ackRate !== null), 60_000, 1000);
    const res = await apiRaw(app, "/api/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseExposition(await res.text());
    // The store may have moved on a sweep between the two reads: compare against the same sample.
    const again = await api<ConsumerListResponse>(app, `/api/consumers?cluster=${CLUSTER}`);
    const orders = list.items.find((c) => c.name === "orders")!;
    consumerId = orders.id;
    const now = again.items.find((c) => c.id === orders.id)!;
    const backlog = sampleOf(m, "redrive_consumer_backlog", { consumer_id: orders.id, cluster: CLUSTER, parent: VHOST, name: "orders" })!.value;
    expect([orders.backlog, now.backlog]).toContain(backlog);
    expect(sampleOf(m, "redrive_consumer_state", { consumer_id: orders.id, state: now.state })?.value ?? sampleOf(m, "redrive_consumer_state", { consumer_id: orders.id, state: orders.state })?.value).toBe(1);
    const totals = await api<InboxTotals>(app, "/api/overview/dead-letters");
    for (const [state, n] of Object.entries(totals.byState)) {
      const sum = (m.get("redrive_inbox_letters")?.samples ?? []).filter((s) => s.labels.state === state).reduce((a, s) => a + s.value, 0);
      expect(sum, state).toBe(n);
    }
    expect(sampleOf(m, "redrive_cluster_up", { cluster: CLUSTER })?.value).toBe(1);
    expect(sampleOf(m, "redrive_sampler_tick_duration_seconds_count", { leader: "true" })?.value).toBeGreaterThan(0);
  });

  it("sends a firing message when the consumer leaves, whose link opens its page at the incident's window", async () => {
    await worker.cancel(workerTag);
    await until(() => queueStats(VHOST, "orders"), (s) => s.consumers === 0, 15_000);
    const [firing] = await until(async () => hook().filter((b) => b.status === "firing"), (l) => l.length > 0, 45_000, 250);
    expect(firing!.target).toMatchObject({ type: "consumer", id: consumerId, cluster: CLUSTER, parent: VHOST, name: "orders" });
    expect(firing!.summary).toMatch(/and no consumer/);
    expect(firing!.link.startsWith(`${app.url}/consumers/${consumerId}?from=`)).toBe(true);
    // Each channel's delivery is sent on its own: the chat one may land a moment after the hook's.
    const chat = (await until(async () => receiver.received.find((r) => r.path.startsWith("/chat/")), (r) => r !== undefined, 10_000, 100))!.body as { text: string };
    expect(chat.text).toContain(`<${firing!.link}|Open in Redrive>`);

    const page = await newAppPage(browser, app);
    await page.goto(firing!.link);
    await page.getByTestId("consumer-header").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("consumer-header").getAttribute("data-consumer-id")).toBe(consumerId);
    expect(await page.getByTestId("consumer-title").textContent()).toBe("orders");
    const url = new URL(page.url());
    expect(url.searchParams.get("from")).toBe(firing!.window!.from);
    expect(url.searchParams.get("to")).toBe(firing!.window!.to);
    expect(await page.getByTestId("range-fixed").textContent()).toMatch(/^Fixed window .* does not move$/);
    await page.getByTestId("chart-backlog").waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "notification-link.png"), fullPage: true });
    await page.context().close();

    // While it stays stopped, nothing more is sent.
    await new Promise((r) => setTimeout(r, 11_000));
    expect(hook().filter((b) => b.status === "firing")).toHaveLength(1);
  });

  it("sends one resolved message when the consumer is back", async () => {
    await consume();
    const [resolved] = await until(async () => hook().filter((b) => b.status === "resolved"), (l) => l.length > 0, 45_000, 250);
    expect(resolved!.incident?.id).toBe(hook()[0]!.incident?.id);
    expect(resolved!.summary).toMatch(/^now (OK|LAGGING|STALLED|FAILING)/);
    expect(resolved!.link.startsWith(`${app.url}/consumers/${consumerId}?from=`)).toBe(true);
  });

  it("shows channels masked, rules, incidents and the delivery log to an admin, and sends a test", async () => {
    const settings = await api<NotificationSettings>(app, "/api/notifications");
    const chat = settings.channels.find((c) => c.name === "ops-chat")!;
    expect(chat.urlMasked).toBe(`${receiver.url}/••••••`);
    expect(JSON.stringify(settings)).not.toContain("secret");
    expect(settings.incidents[0]).toMatchObject({ status: "resolved", target: { id: consumerId } });

    const created = await api<{ id: string }>(app, "/api/notifications/channels", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "added-in-ui", type: "webhook", url: `${receiver.url}/ui/hidden-token` }),
    });
    const test = await api<TestResult>(app, `/api/notifications/channels/${created.id}/test`, { method: "POST" });
    expect(test).toMatchObject({ ok: true, httpStatus: 200 });
    expect(receiver.received.find((r) => r.path === "/ui/hidden-token")?.body).toMatchObject({ status: "test", sentBy: "Redrive" });
    const refused = await apiRaw(app, `/api/notifications/channels/${chat.id}`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    // A receiver's reply stays with the receiver: only its status comes back, here and in the log.
    const failing = await api<{ id: string }>(app, "/api/notifications/channels", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "says-no", type: "webhook", url: `${receiver.url}/fail` }),
    });
    const no = await api<TestResult>(app, `/api/notifications/channels/${failing.id}/test`, { method: "POST" });
    expect(no).toMatchObject({ ok: false, httpStatus: 500, error: "the receiver answered HTTP 500" });
    const after = await api<NotificationSettings>(app, "/api/notifications");
    expect(after.channels.find((c) => c.name === "says-no")?.lastDelivery?.error).toBe("the receiver answered HTTP 500");
    expect(JSON.stringify(after)).not.toContain("receiver says no");
    const tests = await queryRows<{ phase: string; actor: string; target: string }>(db.url, `SELECT phase, actor, target FROM audit_events WHERE action = 'notification.channel.test' ORDER BY id`);
    expect(tests.map((r) => `${r.phase} ${r.actor} ${r.target}`)).toEqual([
      "intent admin notification-channel:added-in-ui",
      "outcome admin notification-channel:added-in-ui",
      "intent admin notification-channel:says-no",
      "outcome admin notification-channel:says-no",
    ]);

    const page = await newAppPage(browser, app);
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(`${app.url}/settings/notifications`);
    await page.locator('[data-testid="incident-row"][data-status="resolved"]').first().waitFor({ timeout: 30_000 });
    const row = page.locator('[data-testid="channel-row"][data-channel="ops-hook"]');
    await row.getByTestId("test-channel").click();
    await row.getByTestId("test-result").waitFor({ timeout: 15_000 });
    expect(await row.getByTestId("test-result").getAttribute("data-ok")).toBe("true");
    expect(await page.content()).not.toContain("hidden-token");
    await page.screenshot({ path: path.join(ARTIFACTS, "notifications.png"), fullPage: true });

    await page.locator('[data-testid="incident-link"]').first().click();
    await page.waitForURL(new RegExp(`/consumers/${consumerId}\\?from=`));
    await page.getByTestId("range-fixed").waitFor({ timeout: 30_000 });
    await page.context().close();
  });
});

describe("webhooks that would reach inside the network", () => {
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    db = await createTestDatabase("redrive_e2e");
    receiver = await startReceiver();
    // No notifications.allowPrivateTargets: as an installation starts.
    app = await startApp(
      {
        clusters: [{ name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"] }],
        notifications: { channels: [{ name: "inside", type: "webhook", url: `${receiver.url}/config-s3cr3t` }], rules: [] },
      },
      { DATABASE_URL: db.url },
    );
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await db?.drop();
  });

  it("refuses loopback (three spellings and a name), link-local and the metadata address when a channel is saved, and sends nothing", async () => {
    const port = new URL(receiver.url).port;
    const targets: Array<[string, RegExp]> = [
      [`http://127.0.0.1:${port}/s3cr3t`, /address 127\.0\.0\.1 is a loopback/],
      [`http://0x7f000001:${port}/s3cr3t`, /address 127\.0\.0\.1 is a loopback/],
      [`http://2130706433:${port}/s3cr3t`, /address 127\.0\.0\.1 is a loopback/],
      [`http://[::1]:${port}/s3cr3t`, /address ::1 is the loopback/],
      [`http://[::ffff:127.0.0.1]:${port}/s3cr3t`, /IPv4-mapped IPv6/],
      [`http://localhost:${port}/s3cr3t`, /host "localhost" resolves to .* loopback/],
      ["http://169.254.169.254/latest/meta-data/s3cr3t", /the cloud metadata address/],
      ["http://[fe80::1]/s3cr3t", /link-local/],
      ["http://10.0.0.1/s3cr3t", /private \(10\.0\.0\.0\/8\)/],
    ];
    for (const [url, why] of targets) {
      const res = await apiRaw(app, "/api/notifications/channels", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "probe", type: "webhook", url }) });
      expect(res.status, url).toBe(400);
      const message = ((await res.json()) as { error: { message: string } }).error.message;
      expect(message, url).toMatch(/^The channel was not saved\. Refused: /);
      expect(message, url).toMatch(why);
      expect(message, url).toContain("notifications.allowPrivateTargets: true");
      expect(message, url).not.toContain("s3cr3t");
    }
    const settings = await api<NotificationSettings>(app, "/api/notifications");
    expect(settings.channels.map((c) => c.name)).toEqual(["inside"]);
    expect(receiver.received).toEqual([]);
  });

  it("refuses a configured channel that points inside at send time, says so, and records the test send", async () => {
    const settings = await api<NotificationSettings>(app, "/api/notifications");
    const inside = settings.channels.find((c) => c.name === "inside")!;
    const result = await api<TestResult>(app, `/api/notifications/channels/${inside.id}/test`, { method: "POST" });
    expect(result).toMatchObject({ ok: false, httpStatus: null });
    expect(result.error).toMatch(/^Refused: the webhook address 127\.0\.0\.1 is a loopback .*notifications\.allowPrivateTargets: true/);
    expect(receiver.received).toEqual([]);
    const after = await api<NotificationSettings>(app, "/api/notifications");
    expect(after.channels.find((c) => c.name === "inside")?.lastDelivery).toMatchObject({ status: "failed", error: result.error });
    expect(JSON.stringify(after)).not.toContain("s3cr3t");
    const audit = await queryRows<{ phase: string; result: string | null; detail: unknown }>(db.url, `SELECT phase, result, detail FROM audit_events WHERE action = 'notification.channel.test' ORDER BY id`);
    expect(audit.map((r) => [r.phase, r.result])).toEqual([["intent", null], ["outcome", "ok"]]);
    expect(audit[1]!.detail).toMatchObject({ sent: false, httpStatus: null });
  });
});
