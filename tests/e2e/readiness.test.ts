import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/postgres";
import { until } from "../support/rabbit-admin";
import { closedPort, TcpProxy } from "../support/tcp-proxy";
import { api, startApp, type RunningApp } from "./support/app-server";

type Probe = { status: number; word: string | null };

async function probe(app: RunningApp, route: string): Promise<Probe> {
  const res = await fetch(`${app.url}${route}`, { signal: AbortSignal.timeout(15_000) });
  const body = (await res.json().catch(() => null)) as { data?: { status?: string } } | null;
  return { status: res.status, word: body?.data?.status ?? null };
}

// A container's replica, configured from the environment alone (REDRIVE_CONFIG_JSON, the store's URL
// in a mounted file), with both brokers unreachable and its store behind a proxy the test can cut.
describe("the readiness probe", () => {
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const store = new TcpProxy(5432);
  const secrets = mkdtempSync(path.join(tmpdir(), "redrive-secrets-"));

  beforeAll(async () => {
    db = await createTestDatabase("redrive_e2e");
    const storePort = await store.start();
    const dead = await closedPort();
    const dbUrl = new URL(db.url);
    dbUrl.port = String(storePort);
    writeFileSync(path.join(secrets, "database-url"), `${dbUrl.toString()}\n`);
    const config = {
      statusIntervalSeconds: 1,
      connectTimeoutSeconds: 1,
      clusters: [
        { name: "nats-down", kind: "nats", servers: [`nats://127.0.0.1:${dead}`] },
        { name: "rabbit-down", kind: "rabbitmq", amqpUrl: `amqp://guest:guest@127.0.0.1:${dead}`, managementUrl: `http://127.0.0.1:${dead}` },
      ],
    };
    // REDRIVE_CONFIG "" counts as unset: the configuration comes from the variable alone.
    app = await startApp(config, { REDRIVE_CONFIG: "", REDRIVE_CONFIG_JSON: JSON.stringify(config), DATABASE_URL_FILE: path.join(secrets, "database-url") });
  });

  afterAll(async () => {
    await app?.stop();
    await store.cut();
    await db?.drop();
    rmSync(secrets, { recursive: true, force: true });
  });

  it("is ready without credentials while both brokers are down, which /api/health reports", async () => {
    const ready = await until(
      () => probe(app, "/api/health/ready"),
      (p) => p.status === 200,
      60_000,
      250,
    );
    expect(ready).toEqual({ status: 200, word: "ready" });
    expect(app.logs()).toContain("REDRIVE_CONFIG_JSON");
    type Health = { status: string; clusters: Array<{ name: string; state: string }> };
    const states = (h: Health) => h.clusters.map((c) => `${c.name}:${c.state}`).sort();
    const health = await until(
      () => api<Health>(app, "/api/health"),
      (h) => states(h).every((s) => s.endsWith(":down")),
      30_000,
      500,
    );
    expect(health.status).toBe("degraded");
    expect(states(health)).toEqual(["nats-down:down", "rabbit-down:down"]);
    // And still ready: the outage is shown, not a reason to take the replica out of service.
    expect(await probe(app, "/api/health/ready")).toEqual({ status: 200, word: "ready" });
  });

  it('answers 503 "down" while the store is unreachable, and ready again when it is back; liveness stays 200 throughout', async () => {
    await store.cut();
    const down = await until(
      () => probe(app, "/api/health/ready"),
      (p) => p.status === 503,
      30_000,
      250,
    );
    expect(down).toEqual({ status: 503, word: "down" });
    // The process still serves: a liveness probe must not get it restarted over its store.
    expect(await probe(app, "/api/health/live")).toEqual({ status: 200, word: "ok" });
    await store.restore();
    const back = await until(
      () => probe(app, "/api/health/ready"),
      (p) => p.status === 200,
      60_000,
      500,
    );
    expect(back).toEqual({ status: 200, word: "ready" });
    expect(await probe(app, "/api/health/live")).toEqual({ status: 200, word: "ok" });
  });
});
