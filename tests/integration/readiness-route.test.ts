import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as liveRoute } from "@/app/api/health/live/route";
import { GET as readyRoute } from "@/app/api/health/ready/route";
import { closeStore, getStore } from "@/lib/db/get-store";
import { markWorkersStarted } from "@/lib/lifecycle/are-workers-started";
import { markShuttingDown } from "@/lib/lifecycle/is-shutting-down";
import { createTestDatabase } from "../support/postgres";

// The readiness route handler itself, over a real store, through the states a replica passes:
// workers not yet started, ready, and shutting down. (A broker outage and a store outage are driven
// against the built server in tests/e2e/readiness.test.ts.)

async function ready(): Promise<{ status: number; body: unknown }> {
  const res = await readyRoute(new Request("http://redrive.test/api/health/ready"), { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}

async function live(): Promise<{ status: number; body: unknown }> {
  const res = await liveRoute(new Request("http://redrive.test/api/health/live"), { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}

describe("GET /api/health/ready", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase("redrive_ready");
    dir = mkdtempSync(path.join(tmpdir(), "redrive-ready-"));
    writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: "n", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] }));
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    await getStore();
  });

  afterAll(async () => {
    await closeStore();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 503 starting until the workers run, then 200 ready, then 503 stopping once shutdown begins, without credentials", async () => {
    expect(await ready()).toEqual({ status: 503, body: { data: { status: "starting" } } });
    // Liveness says only that the process serves: already while the workers start.
    expect(await live()).toEqual({ status: 200, body: { data: { status: "ok" } } });
    markWorkersStarted();
    expect(await ready()).toEqual({ status: 200, body: { data: { status: "ready" } } });
    markShuttingDown();
    expect(await ready()).toEqual({ status: 503, body: { data: { status: "stopping" } } });
    expect(await live()).toEqual({ status: 503, body: { data: { status: "stopping" } } });
  });
});
