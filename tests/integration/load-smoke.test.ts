import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { parseLoadArgs, type LoadOptions } from "../../scripts/load/args";
import { runLoad } from "../../scripts/load/run-load";
import { ADMIN_URL } from "../support/postgres";
import { mgmt } from "../support/rabbit-admin";

// `npm run load` at a small size, run in-process against the real brokers and PostgreSQL with the
// app built and served: every phase produces figures, the app's requeue job moves every letter it
// was given and its memory is reported, and nothing of the run is left behind. Timings are not judged.

async function leftovers(): Promise<{ vhosts: string[]; streams: string[]; databases: string[] }> {
  const vhosts = (await mgmt<Array<{ name: string }>>("GET", "/api/vhosts")).map((v) => v.name).filter((n) => /^load-[0-9a-f]{6}$/.test(n));
  const nc = await connect({ servers: "nats://127.0.0.1:4222" });
  const streams: string[] = [];
  try {
    for await (const name of (await jetstreamManager(nc)).streams.names()) if (/^LOAD_[0-9A-F]{6}_/.test(name)) streams.push(name);
  } finally {
    await nc.close();
  }
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const databases = (await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ '^redrive_load_[0-9a-f]{6}$'`)).rows.map((r) => r.datname);
    return { vhosts, streams, databases };
  } finally {
    await admin.end();
  }
}

describe("the load run, small", () => {
  it("measures browsing with and without sampling, runs a requeue job through the app, and cleans up", { timeout: 8 * 60_000 }, async () => {
    const before = await leftovers();
    const parsed = parseLoadArgs(["--quick", "--no-write", "--queues", "100", "--consumers", "40", "--letters", "5000", "--seconds", "5", "--baseline-seconds", "3", "--job-letters", "3000"]);
    expect(parsed).not.toBe("help");
    const options = parsed as LoadOptions;
    const { figures, markdown, written } = await runLoad(options, new AbortController().signal, () => undefined);
    expect(written).toBeNull();
    expect(figures.sizes.letters).toBe(5000);
    expect(figures.totals.load.n).toBeGreaterThan(0);
    expect(figures.paused?.total.n).toBeGreaterThan(0);

    // The app's job: every letter on the destination queue and requeued in the store, and the app's memory read through it.
    const job = figures.job!;
    expect(job).toBeDefined();
    expect(job.letters).toBe(3000);
    expect(job.onQueue).toBe(3000);
    expect(job.requeued).toBe(3000);
    expect(job.rssBeforeMiB).toBeGreaterThan(50);
    expect(job.peakRssMiB).toBeGreaterThanOrEqual(job.rssBeforeMiB);
    expect(job.cpuMs).toBeGreaterThan(0);
    expect(markdown).toMatch(/\| a requeue job of 3,000 letters, sampling \(no clients\) \| \| \d+ µs a letter \| \d+ % of a core \| [\d,]+ MiB \|/);
    expect(markdown).toMatch(/App RSS through a requeue job of 3,000 letters, [^\n]*peak [\d,]+ MiB until it completed \(target ≤ 500 MB = 477 MiB [✔✘]\)/);
    // A quick run does not wait for the sampler's steady state (320 s of samples kept), and says so.
    expect(job.keptSeconds).toBe(320);
    expect(job.sampledSeconds).toBeGreaterThan(0);
    expect(job.sampledSeconds).toBeLessThan(job.keptSeconds!);
    expect(markdown).toMatch(/It started after the app had sampled for only \d+ s, less than the 320 s of samples its sampler holds per consumer in steady state/);
    expect(markdown).toContain("Accounted for: 3,000 messages on the destination queue, 3,000 letters requeued in the store.");

    const after = await leftovers();
    expect(after).toEqual(before);
  });
});
