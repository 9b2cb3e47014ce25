import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalFor } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { isAppError } from "@/lib/errors";
import { createChannel } from "@/lib/notifications/create-channel";
import { DeliveryWorker } from "@/lib/notifications/delivery-worker";
import { sendWebhook } from "@/lib/notifications/send-webhook";
import { testChannel } from "@/lib/notifications/test-channel";
import { updateChannel } from "@/lib/notifications/update-channel";
import { createTestDatabase } from "../support/postgres";
import { until } from "../support/rabbit-admin";
import { startReceiver } from "../support/webhook-receiver";

// Webhooks must not become a way into the network Redrive runs in: loopback, private, link-local
// and cloud-metadata targets are refused (unless the configuration allows private targets), the
// address checked is the address connected to, and nothing of a reply but its status comes back.

const ADMIN = principalFor("user", "00000000-0000-4000-8000-0000000000ad", "hook-admin", "admin");
const off = { allowPrivateTargets: false };
const on = { allowPrivateTargets: true };

describe("webhook targets", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let port = "";

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await startReceiver();
    port = new URL(receiver.url).port;
    const dir = mkdtempSync(path.join(tmpdir(), "redrive-hooks-"));
    // No allowPrivateTargets: the default, as an installation gets it.
    writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: "n", kind: "nats", servers: ["nats://127.0.0.1:4222"] }], notifications: { channels: [{ name: "inside", type: "webhook", url: `${receiver.url}/config-hook` }] } }));
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
  });

  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await db?.drop();
  });

  it("refuses loopback in every spelling, private, link-local and metadata addresses, and sends nothing there", async () => {
    const urls = [
      `http://127.0.0.1:${port}/a`,
      `http://localhost:${port}/b`,
      `http://LocalHost:${port}/b2`,
      `http://[::1]:${port}/c`,
      `http://0x7f000001:${port}/d`,
      `http://2130706433:${port}/e`,
      `http://0177.0.0.1:${port}/f`,
      `http://127.1:${port}/g`,
      `http://[::ffff:127.0.0.1]:${port}/h`,
      `http://0.0.0.0:${port}/i`,
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "http://[fe80::1]/j",
      "http://10.0.0.1/k",
      "http://172.16.5.4/l",
      "http://192.168.0.1/m",
      "http://100.64.0.1/n",
      "http://[fd00::1]/o",
    ];
    // The path often is the channel's secret: it never appears in the refusal.
    for (const url of urls.map((u) => `${u}s3cr3t`)) {
      const r = await sendWebhook(url, { hello: 1 }, 2000, off);
      expect(r, url).toMatchObject({ ok: false, httpStatus: null });
      expect(r.error, url).toMatch(/^Refused: the webhook (address|host) .*notifications\.allowPrivateTargets: true/);
      expect(r.error, url).not.toContain("s3cr3t");
    }
    const byName = await sendWebhook(`http://localhost:${port}/b`, {}, 2000, off);
    expect(byName.error).toMatch(/^Refused: the webhook host "localhost" resolves to (127\.0\.0\.1|::1), (a|the) loopback/);
    expect((await sendWebhook("http://169.254.169.254/", {}, 2000, off)).error).toContain("the cloud metadata address");
    expect(receiver.received).toEqual([]);
  });

  it("sends to a private receiver when the configuration allows it, and keeps only the reply's status", async () => {
    const ok = await sendWebhook(`http://localhost:${port}/allowed`, { hello: 2 }, 2000, on);
    expect(ok).toMatchObject({ ok: true, httpStatus: 200, error: null });
    expect(receiver.received.find((r) => r.path === "/allowed")?.body).toEqual({ hello: 2 });
    // The receiver answers "receiver says no": that text must not come back.
    const failed = await sendWebhook(`${receiver.url}/fail`, {}, 2000, on);
    expect(failed).toMatchObject({ ok: false, httpStatus: 500, error: "the receiver answered HTTP 500" });
    expect(JSON.stringify(failed)).not.toContain("receiver says no");
  });

  it("connects to the address it checked, with the URL's host name in Host, so a second answer from DNS cannot redirect it", async () => {
    // "localhost" really is loopback; a resolver that says otherwise stands for a name that
    // answered the check with a public address and would answer the connection with 127.0.0.1.
    let lookups = 0;
    const saysPublic = async () => {
      lookups++;
      return [{ address: "192.0.2.10", family: 4 }];
    };
    const r = await sendWebhook(`http://localhost:${port}/rebound`, {}, 800, { allowPrivateTargets: false, resolve: saysPublic });
    expect(r.ok).toBe(false);
    expect(lookups).toBe(1);
    expect(receiver.received.find((x) => x.path === "/rebound")).toBeUndefined();

    // The other way round: a made-up name pinned to the receiver's address reaches it, named as asked.
    const pinned = await sendWebhook(`http://hooks.redrive.invalid:${port}/pinned`, { pinned: true }, 2000, { allowPrivateTargets: true, resolve: async () => [{ address: "127.0.0.1", family: 4 }] });
    expect(pinned).toMatchObject({ ok: true, httpStatus: 200 });
    expect(receiver.received.find((x) => x.path === "/pinned")).toMatchObject({ body: { pinned: true }, host: `hooks.redrive.invalid:${port}` });
  });

  it("refuses such a channel when it is made or changed, with a sentence that says why and what to set", async () => {
    expect(getConfig().notifications.allowPrivateTargets).toBe(false);
    const refusal = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        if (isAppError(e)) return `${e.code}: ${e.message}`;
        throw e;
      }
      return "accepted";
    };
    expect(await refusal(createChannel({ name: "meta", type: "webhook", url: "http://169.254.169.254/latest/", enabled: true }, ADMIN, null))).toMatch(
      /^INVALID_INPUT: The channel was not saved\. Refused: the webhook address 169\.254\.169\.254 is the cloud metadata address\. .*allowPrivateTargets: true/,
    );
    expect(await refusal(createChannel({ name: "local", type: "webhook", url: `http://localhost:${port}/x`, enabled: true }, ADMIN, null))).toMatch(/resolves to .* loopback/);
    expect(await store.prisma.notificationChannel.count({ where: { source: "ui" } })).toBe(0);

    const good = await createChannel({ name: "public", type: "webhook", url: "https://192.0.2.10/hook", enabled: true }, ADMIN, null);
    expect(await refusal(updateChannel(good.id, { url: `http://[::ffff:7f00:1]:${port}/x` }, ADMIN, null))).toMatch(/loopback .* IPv4-mapped IPv6 form/);
    expect((await store.prisma.notificationChannel.findUniqueOrThrow({ where: { id: good.id } })).url).toBe("https://192.0.2.10/hook");
    expect(receiver.received.filter((r) => r.path === "/x")).toEqual([]);
  });

  it("refuses at delivery time too (a test send and the delivery worker), on record, with nothing sent", async () => {
    const before = receiver.received.length;
    // A channel stored before the check existed, and a configuration channel (never checked when saved).
    const old = await store.prisma.notificationChannel.create({ data: { name: "stored-before", type: "webhook", url: `http://127.0.0.1:${port}/stored`, source: "ui", createdBy: "hook-admin" } });
    const result = await testChannel(old.id, ADMIN, "192.0.2.99");
    expect(result).toMatchObject({ ok: false, httpStatus: null });
    expect(result.error).toMatch(/^Refused: the webhook address 127\.0\.0\.1 is a loopback/);
    const audit = await store.prisma.auditEvent.findMany({ where: { action: "notification.channel.test" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.phase, a.actor, a.address, a.target, a.result])).toEqual([
      ["intent", "hook-admin", "192.0.2.99", "notification-channel:stored-before", null],
      ["outcome", "hook-admin", "192.0.2.99", "notification-channel:stored-before", "ok"],
    ]);
    expect(audit[0]!.request).toEqual({ url: "http://127.0.0.1:" + port + "/••••••" });
    expect(audit[1]!.detail).toMatchObject({ sent: false, httpStatus: null, error: result.error });

    const config = getConfig();
    const { syncNotificationConfig } = await import("@/lib/notifications/sync-notification-config");
    await syncNotificationConfig(store.prisma, config.notifications);
    const inside = await store.prisma.notificationChannel.findUniqueOrThrow({ where: { name: "inside" } });
    const delivery = await store.prisma.notificationDelivery.create({ data: { channelId: inside.id, channelName: "inside", event: "firing", body: { hello: 3 }, status: "pending" } });
    const worker = new DeliveryWorker(store.prisma, {
      ...config.notifications.delivery,
      maxAttempts: 1,
      pollMs: 100,
      allowPrivateTargets: config.notifications.allowPrivateTargets,
      channelUrl: (c) => config.notifications.channels.find((x) => x.name === c.name)?.url ?? null,
    });
    worker.start();
    try {
      const done = await until(() => store.prisma.notificationDelivery.findUniqueOrThrow({ where: { id: delivery.id }, include: { attemptsLog: true } }), (d) => d.status === "failed", 10_000, 100);
      expect(done.attemptsLog).toHaveLength(1);
      expect(done.lastError).toMatch(/^Refused: the webhook address 127\.0\.0\.1 is a loopback/);
    } finally {
      await worker.stop();
    }
    expect(receiver.received.slice(before)).toEqual([]);
  });
});
