import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBroker } from "@/lib/brokers/fake/fake-broker";
import type { ConsumerReading } from "@/lib/brokers/types";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { getInboxTotals } from "@/lib/dead-letters/get-inbox-totals";
import { listDlqs } from "@/lib/dead-letters/list-dlqs";
import { listConsumers, consumerListQuery } from "@/lib/health/list-consumers";
import { Sampler } from "@/lib/health/sampler/sampler";
import { renderMetrics } from "@/lib/metrics/render-metrics";
import { recordSamplerTick } from "@/lib/metrics/record-sampler-tick";
import { DeliveryWorker } from "@/lib/notifications/delivery-worker";
import { Notifier } from "@/lib/notifications/notifier";
import { pruneNotifications } from "@/lib/notifications/prune-notifications";
import { syncNotificationConfig } from "@/lib/notifications/sync-notification-config";
import type { NotificationMessage } from "@/lib/notifications/types";
import { parseExposition, sampleOf } from "../support/parse-exposition";
import { createTestDatabase } from "../support/postgres";
import { until } from "../support/rabbit-admin";
import { startReceiver } from "../support/webhook-receiver";

const id = randomBytes(3).toString("hex");
const CLUSTER = `it-notify-${id}`;
const TICK_MS = 10_000;
const TIMEOUT_S = 1.5;

describe("notifications and metrics against the store", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sampler: Sampler;
  let worker: DeliveryWorker;
  let notifier: Notifier;
  const broker = new FakeBroker(CLUSTER, "rabbitmq");
  let clock = Date.now();
  const now = () => new Date(clock);
  const counters = { acked: 0, published: 0 };
  const tickMs: number[] = [];

  const reading = (consumers: number, moving: boolean): ConsumerReading => {
    if (moving) {
      counters.acked += 20;
      counters.published += 20;
    }
    return {
      key: "v/orders", parent: "v", name: "orders", pending: 12, inFlight: 0, inFlightLimit: null, consumerCount: consumers,
      deliveredTotal: counters.acked, ackedTotal: counters.acked, publishedTotal: counters.published, redeliveredTotal: 0, redeliveredNow: null,
      counterEpoch: null, lastActivityAt: null, oldestAgeSeconds: null, oldestAgeNote: null, config: {},
    };
  };
  const tick = async (consumers: number, moving: boolean) => {
    clock += TICK_MS;
    broker.readings = [reading(consumers, moving)];
    const r = await sampler.tick();
    for (const s of r.sweeps) expect(s.error).toBeNull();
    tickMs.push(sampler.lastTick!.ms);
    return r;
  };
  const bodies = (p: string) => receiver.received.filter((r) => r.path === p).map((r) => r.body as NotificationMessage);

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await startReceiver();
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-notify-"));
    writeFileSync(
      path.join(dir, "redrive.config.json"),
      JSON.stringify({
        clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: ["v"] }],
        publicUrl: "https://redrive.example.test",
        notifications: {
          channels: [
            { name: "hook", type: "webhook", url: `${receiver.url}/hook` },
            { name: "chat", type: "slack", urlEnv: "IT_NOTIFY_CHAT_URL" },
            { name: "hang", type: "webhook", url: `${receiver.url}/hang` },
            { name: "flaky", type: "webhook", url: `${receiver.url}/flaky` },
          ],
          rules: [{ name: "stopped", kind: "consumer-state", states: ["STOPPED"], channels: ["hook", "chat", "hang", "flaky"] }],
          delivery: { timeoutSeconds: TIMEOUT_S, maxAttempts: 3, backoffSeconds: 0.2 },
          // The receiver listens on loopback.
          allowPrivateTargets: true,
        },
      }),
    );
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    process.env.IT_NOTIFY_CHAT_URL = `${receiver.url}/chat`;
    store = await getStore();
    const config = getConfig();
    await syncNotificationConfig(store.prisma, config.notifications);
    worker = new DeliveryWorker(store.prisma, {
      ...config.notifications.delivery,
      allowPrivateTargets: config.notifications.allowPrivateTargets,
      pollMs: 100,
      channelUrl: (c) => config.notifications.channels.find((x) => x.name === c.name)?.url ?? null,
    });
    worker.start();
    notifier = new Notifier(store.prisma, worker, { publicUrl: config.publicUrl, now, groupAbove: config.notifications.delivery.groupAbove });
    sampler = new Sampler(store.prisma, [{ cluster: config.clusters[0]!, broker }], { ensure: async () => true, release: async () => {} }, {
      intervalMs: TICK_MS,
      rawRetentionMs: 86_400_000,
      rollupRetentionMs: 30 * 86_400_000,
      windowMs: 300_000,
      now,
      afterTick: ({ ms, result }) => {
        recordSamplerTick({ ms, leader: result.leader, sweeps: result.sweeps });
        if (result.leader) notifier.afterSweep();
      },
    });
  });

  afterAll(async () => {
    await notifier?.stop();
    await worker?.stop();
    await receiver?.close();
    await store?.close();
    await db?.drop();
  });

  it("fires once when a consumer stops, to every channel, with a link to its page at the incident's window", async () => {
    for (let i = 0; i < 3; i++) await tick(1, true);
    await notifier.evaluate();
    expect(receiver.received).toHaveLength(0);

    await tick(0, false);
    const consumer = await store.prisma.consumer.findFirstOrThrow({ where: { name: "orders", cluster: { name: CLUSTER } } });
    expect(consumer.state).toBe("STOPPED");
    await until(async () => bodies("/hook").length, (n) => n === 1, 10_000, 50);
    const [firing] = bodies("/hook");
    expect(firing).toMatchObject({ version: 1, status: "firing", rule: { name: "stopped", kind: "consumer-state" }, target: { type: "consumer", id: consumer.id, cluster: CLUSTER, parent: "v", name: "orders" } });
    expect(firing!.summary).toMatch(/^backlog 12 and no consumer/);
    const from = new Date(consumer.stateSince.getTime() - 30 * 60_000).toISOString();
    const to = new Date(consumer.stateSince.getTime() + 30 * 60_000).toISOString();
    expect(firing!.link).toBe(`https://redrive.example.test/consumers/${consumer.id}?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);

    const chat = await until(async () => receiver.received.filter((r) => r.path === "/chat"), (l) => l.length === 1, 10_000, 50);
    const slack = chat[0]!.body as { text: string };
    expect(slack.text).toContain("*FIRING* STOPPED: orders (vhost v)");
    expect(slack.text).toContain(`<${firing!.link}|Open in Redrive>`);
  });

  it("keeps sampling at full speed while a webhook hangs, and other channels are not held up", async () => {
    // The /hang delivery is in flight (it waits out its timeout) once the receiver has it; sweeps go on regardless.
    await until(async () => bodies("/hang").length, (n) => n >= 1, 10_000, 20);
    const started = performance.now();
    for (let i = 0; i < 3; i++) await tick(0, false);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(TIMEOUT_S * 1000);
    for (const ms of tickMs.slice(-3)) expect(ms).toBeLessThan(500);
  });

  it("does not repeat itself while the condition holds", async () => {
    await notifier.evaluate();
    expect(bodies("/hook")).toHaveLength(1);
    const incidents = await store.prisma.notificationIncident.findMany();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.status).toBe("firing");
  });

  it("logs every attempt and retries failures with backoff until they succeed or it gives up", async () => {
    const flaky = await until(
      () => store.prisma.notificationDelivery.findFirstOrThrow({ where: { channelName: "flaky", event: "firing" }, include: { attemptsLog: { orderBy: { at: "asc" } } } }),
      (d) => d.status === "sent",
      10_000,
      100,
    );
    expect(flaky.attempts).toBe(2);
    expect(flaky.attemptsLog.map((a) => [a.ok, a.httpStatus])).toEqual([[false, 500], [true, 200]]);
    // The status only: a reply's body is never kept.
    expect(flaky.attemptsLog[0]!.error).toBe("the receiver answered HTTP 500");
    const gap = flaky.attemptsLog[1]!.at.getTime() - flaky.attemptsLog[0]!.at.getTime();
    expect(gap).toBeGreaterThanOrEqual(150);

    const hang = await until(
      () => store.prisma.notificationDelivery.findFirstOrThrow({ where: { channelName: "hang", event: "firing" }, include: { attemptsLog: { orderBy: { at: "asc" } } } }),
      (d) => d.status === "failed",
      20_000,
      200,
    );
    expect(hang.attempts).toBe(3);
    expect(hang.attemptsLog.map((a) => a.error)).toEqual(Array(3).fill(`no answer within ${TIMEOUT_S} s`));
    for (const a of hang.attemptsLog) expect(a.durationMs).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 50);
    // Backoff doubles: 0.2 s after the first failure, 0.4 s after the second.
    const [a1, a2, a3] = hang.attemptsLog.map((a) => a.at.getTime());
    expect(a2! - a1!).toBeGreaterThanOrEqual(150);
    expect(a3! - a2!).toBeGreaterThanOrEqual(350);
  });

  it("resolves once when the consumer is back, with the resolved window in the link", async () => {
    await tick(1, true);
    await tick(1, true);
    await until(async () => bodies("/hook").length, (n) => n === 2, 10_000, 50);
    const resolved = bodies("/hook")[1]!;
    expect(resolved.status).toBe("resolved");
    expect(resolved.summary).toMatch(/^now OK: /);
    expect(resolved.incident?.resolvedAt).not.toBeNull();
    const incident = await store.prisma.notificationIncident.findFirstOrThrow();
    expect(incident.status).toBe("resolved");
    expect(resolved.link).toContain(`to=${encodeURIComponent(new Date(incident.resolvedAt!.getTime() + 15 * 60_000).toISOString())}`);
    await tick(1, true);
    await notifier.evaluate();
    expect(bodies("/hook")).toHaveLength(2);
  });

  it("serves metrics in the exposition format with the numbers the API serves", async () => {
    const c = await store.prisma.cluster.findFirstOrThrow({ where: { name: CLUSTER } });
    await store.prisma.dlq.create({ data: { clusterId: c.id, name: "v/orders.dlq", foundBy: "configured", depth: 3n, adopted: true } });
    for (const [n, state] of [[1, "dead"], [2, "dead"], [3, "terminated"]] as const) {
      await store.prisma.deadLetter.create({
        data: { clusterId: c.id, kind: "rabbitmq", dedupeKey: `k${n}`, source: "v/orders", destination: "v/orders", collectedFrom: "v/orders.dlq", reason: "rejected", payloadShape: "text", fingerprint: "0123456789abcdef", payloadSize: 1, state },
      });
    }
    // Time lag as the sampler stores it: the broker's figure is one family, an estimate another.
    await store.prisma.consumer.updateMany({ where: { clusterId: c.id }, data: { oldestAgeSeconds: 840, oldestAgeEstimated: false } });
    const { contentType, text } = await renderMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseExposition(text);

    const list = await listConsumers(consumerListQuery.parse({ cluster: CLUSTER }));
    expect(list.items).toHaveLength(1);
    for (const item of list.items) {
      const l = { consumer_id: item.id, cluster: CLUSTER, parent: item.parent, name: item.name };
      expect(sampleOf(m, "redrive_consumer_backlog", l)?.value).toBe(item.backlog);
      expect(sampleOf(m, "redrive_consumer_in_flight", l)?.value).toBe(item.inFlight);
      expect(sampleOf(m, "redrive_consumer_consumers", l)?.value).toBe(item.consumerCount);
      expect(sampleOf(m, "redrive_consumer_acks_per_second", l)?.value).toBe(item.ackRate);
      expect(sampleOf(m, "redrive_consumer_inflow_per_second", l)?.value).toBe(item.inflowRate);
      expect(sampleOf(m, "redrive_consumer_state", { ...l, state: item.state })?.value).toBe(1);
      expect(item.oldestAgeSeconds).toBe(840);
      expect(sampleOf(m, "redrive_consumer_oldest_message_age_seconds", l)?.value).toBe(840);
      expect(sampleOf(m, "redrive_consumer_oldest_message_age_estimate_seconds", l) ?? null).toBeNull();
      expect(sampleOf(m, "redrive_consumer_findings", l)?.value).toBe(item.findings.length);
      expect(m.get("redrive_consumer_state")!.samples.filter((s) => s.labels.consumer_id === item.id && s.value === 1)).toHaveLength(1);
    }

    const totals = await getInboxTotals();
    for (const [state, n] of Object.entries(totals.byState)) {
      const sum = m.get("redrive_inbox_letters")!.samples.filter((s) => s.labels.state === state).reduce((a, s) => a + s.value, 0);
      expect(sum, state).toBe(n);
    }
    expect(sampleOf(m, "redrive_inbox_letters_last_hour", {})?.value).toBe(totals.lastHour);

    const dlqs = await listDlqs();
    const dlq = dlqs.dlqs.find((d) => d.name === "v/orders.dlq")!;
    const dl = { cluster: CLUSTER, dlq: dlq.name, dlq_id: dlq.id };
    expect(sampleOf(m, "redrive_dlq_depth", dl)?.value).toBe(dlq.depth);
    expect(sampleOf(m, "redrive_dlq_collected_total", dl)?.value).toBe(dlq.collected);
    expect(m.get("redrive_dlq_collected_total")!.type).toBe("counter");
    expect(sampleOf(m, "redrive_dlq_inflow_per_minute", dl)?.value).toBe(3 / 5);

    expect(sampleOf(m, "redrive_sampler_last_sweep_ok", { cluster: CLUSTER })?.value).toBe(1);
    expect(m.get("redrive_sampler_tick_duration_seconds")?.type).toBe("histogram");
    expect(sampleOf(m, "redrive_sampler_tick_duration_seconds_count", { leader: "true" })?.value).toBe(tickMs.length);
    expect(sampleOf(m, "redrive_jobs", { state: "running" })?.value).toBe(0);
    expect(sampleOf(m, "redrive_notification_attempts_total", {}) ?? null).toBeNull();

    // Bounded labels: names and ids Redrive shows, never anything from a payload.
    const allowed = new Set(["cluster", "kind", "parent", "name", "consumer_id", "state", "dlq", "dlq_id", "source", "job_id", "job_number", "action", "outcome", "rule", "status", "leader", "le", "channel", "result"]);
    for (const f of m.values()) for (const s of f.samples) for (const k of Object.keys(s.labels)) expect(allowed.has(k), `${f.name}: ${k}`).toBe(true);
  });

  it("forgets resolved incidents and finished deliveries after the retention, keeping open ones", async () => {
    const open = await store.prisma.notificationDelivery.count({ where: { status: { in: ["pending", "sending"] } } });
    expect(await pruneNotifications(store.prisma, new Date(), 86_400_000)).toEqual({ incidents: 0, deliveries: 0 });
    const r = await pruneNotifications(store.prisma, new Date(Date.now() + 2 * 86_400_000), 86_400_000);
    // An incident whose messages are still being retried stays until they are done.
    expect(r.incidents + (await store.prisma.notificationIncident.count())).toBe(1);
    expect(await store.prisma.notificationAttempt.count({ where: { delivery: { status: { in: ["sent", "failed"] } } } })).toBe(0);
    expect(await store.prisma.notificationDelivery.count()).toBe(open);
  });

  it("sends one summary, not one message each, when many consumers stop at once, and one when they recover", async () => {
    const config = getConfig();
    const n = config.notifications.delivery.groupAbove + 2;
    const batch = (consumers: number): ConsumerReading[] =>
      Array.from({ length: n }, (_, i) => ({
        ...reading(1, false),
        key: `v/batch-${i}`,
        name: `batch-${i}`,
        pending: 5,
        consumerCount: consumers,
      }));
    const before = bodies("/hook").length;
    const chatBefore = receiver.received.filter((r) => r.path === "/chat").length;
    clock += TICK_MS;
    broker.readings = [reading(1, true), ...batch(0)];
    await sampler.tick();
    await notifier.evaluate();

    const firing = await until(async () => bodies("/hook").slice(before), (l) => l.length >= 1, 10_000, 50);
    await notifier.evaluate();
    expect(bodies("/hook").slice(before)).toHaveLength(1);
    const summary = firing[0]!;
    const stopped = await store.prisma.consumer.findMany({ where: { name: { startsWith: "batch-" } }, orderBy: { name: "asc" } });
    expect(stopped.map((c) => c.state)).toEqual(Array(n).fill("STOPPED"));
    expect(summary).toMatchObject({ status: "firing", incident: null, target: null, title: `${n} incidents of rule stopped at once`, link: "https://redrive.example.test/consumers?state=STOPPED" });
    expect(summary.group!.count).toBe(n);
    expect(summary.group!.incidents.map((i) => i.link.split("?")[0]).sort()).toEqual(stopped.map((c) => `https://redrive.example.test/consumers/${c.id}`).sort());
    expect(summary.summary.split("\n")).toHaveLength(11);
    expect(summary.summary).toMatch(/\n… and 2 more$/);
    const incidents = await store.prisma.notificationIncident.findMany({ where: { status: "firing" } });
    expect(incidents).toHaveLength(n);
    const delivery = await store.prisma.notificationDelivery.findFirstOrThrow({ where: { channelName: "hook", groupSize: { not: null } } });
    expect(delivery).toMatchObject({ incidentId: null, groupSize: n, event: "firing" });
    const chat = await until(async () => receiver.received.filter((r) => r.path === "/chat").slice(chatBefore), (l) => l.length === 1, 10_000, 50);
    expect((chat[0]!.body as { text: string }).text).toContain(`*FIRING* ${n} incidents of rule stopped at once`);

    clock += TICK_MS;
    broker.readings = [reading(1, true), ...batch(1)];
    await sampler.tick();
    await notifier.evaluate();
    const resolved = await until(async () => bodies("/hook").slice(before + 1), (l) => l.length >= 1, 10_000, 50);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ status: "resolved", title: `${n} incidents of rule stopped resolved at once` });
    expect(resolved[0]!.group!.count).toBe(n);
    expect(await store.prisma.notificationIncident.count({ where: { status: "firing" } })).toBe(0);
  });
});
