import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { benchOptions } from "../../scripts/bench/args";
import { runBench } from "../../scripts/bench/run-bench";
import { ADMIN_URL } from "../support/postgres";
import { mgmt } from "../support/rabbit-admin";

// `npm run bench -- --quick`, imported and run in-process against the real local brokers and
// PostgreSQL: it must produce figures and leave nothing of its load behind. Timings are not judged.

describe("the sweep benchmark, quick mode", () => {
  it("measures sweeps, bare walks and /api/consumers, writes no file, and cleans up", { timeout: 8 * 60_000 }, async () => {
    const options = benchOptions({ quick: true, out: null, command: "vitest tests/integration/bench-smoke.test.ts" });
    const { report, written, markdown } = await runBench(options, new AbortController().signal, () => undefined);
    expect(written).toBeNull();
    expect(markdown).toContain("## Sweep vs bare walks");
    // The storage and scale-out sections run in --quick too, and measured (not "not measured: …").
    expect(markdown).toContain("### Sample storage (bytes on disk per consumer-day)");
    expect(markdown).toMatch(/\| packed hours, idle \(one sample a minute\) \| \d+ \| [\d.]+ KiB \|/);
    expect(markdown).toContain("### Scale-out: 2 replicas × 4 clusters");
    expect(markdown).toMatch(/\| takeover: SIGKILL to A, until B swept every cluster A led \| \d+\.\d s/);
    expect(markdown).not.toMatch(/### (Sample storage|Scale-out)[^\n]*\n\nnot measured/);
    // Time lag on and off over the same JetStream load: both sweeps saw every bench consumer, and
    // the cold round read the oldest waiting message of the backlogged ones.
    expect(report.timeLag, report.warnings.join("; ")).not.toBeNull();
    expect(markdown).toContain("## Time lag: sweep cost");
    for (const r of report.timeLag!.rounds) {
      expect(r.on.consumers).toBeGreaterThanOrEqual(options.consumers);
      expect(r.off.consumers).toBe(r.on.consumers);
    }
    if (report.timeLag!.backlogged > 0) expect(report.timeLag!.rounds[0]!.on.lookups).toBeGreaterThan(0);

    const pages = Math.ceil(options.queues / 500);
    const measured = report.rounds.filter((r) => !r.warmup);
    expect(measured).toHaveLength(options.rounds);
    for (const r of [...measured, report.rounds[0]!]) {
      expect(r.rabbit.error, `round ${r.round} rabbitmq`).toBeNull();
      expect(r.nats.error, `round ${r.round} nats`).toBeNull();
      expect(r.tickMs).toBeGreaterThan(0);
      expect(r.rabbit.ms).toBeGreaterThan(0);
      expect(r.nats.ms).toBeGreaterThan(0);
      expect(r.rabbit.consumers).toBe(options.queues);
      // Queue pages plus the one consumers call.
      expect(r.rabbit.requests).toBe(pages + 1);
      expect(r.nats.consumers).toBeGreaterThanOrEqual(options.consumers);
      expect(r.nats.requests).toBeGreaterThan(options.streams);
      for (const walk of [r.plain, r.columns]) {
        expect(walk.error).toBeNull();
        expect(walk.ms).toBeGreaterThan(0);
        expect(walk.requests).toBe(pages);
        expect(walk.items).toBe(options.queues);
      }
      expect(r.natsWalk.error).toBeNull();
      expect(r.natsWalk.items).toBeGreaterThanOrEqual(options.consumers);
    }
    expect(report.store.consumers).toBeGreaterThanOrEqual(options.queues + options.consumers);

    expect(report.apiNote).toBeNull();
    const api = report.api!;
    expect(api.total).toBe(report.store.consumers);
    expect(api.sequential.map((k) => k.kind).sort()).toEqual(["all", "backlog", "default", "name", "offset", "state"]);
    for (const k of [...api.sequential, ...api.concurrent.perKind, ...(api.inProcess ?? [])]) expect(k.latency.p50).toBeGreaterThan(0);
    expect(api.sequential.find((k) => k.kind === "all")!.itemsP50).toBe(api.total);
    expect(api.health.p50).toBeGreaterThan(0);
    expect(api.select1.n).toBeGreaterThan(0);

    // The dead-letter sections: positive rates, every letter accounted for.
    const dl = report.deadLetters!;
    expect(markdown).toContain("## Collection (issue 18)");
    expect(markdown).toContain("## Inbox at scale");
    expect(markdown).toContain("## Requeue throughput");
    const c = dl.collect;
    const q = dl.requeue;
    const rates = [c.rabbit.redrive.median, c.rabbit.bare.median, c.nats.redrive.median, c.nats.bare.median, c.plainInsert, q.rabbit.job.median, q.rabbit.shovel.median, q.rabbit.bare.median, q.nats.job.median, q.nats.bare.median];
    for (const r of rates) expect(r.perSecond).toBeGreaterThan(0);
    expect(c.rabbit.stored).toBe(options.collect * options.bulkRounds);
    expect(c.rabbit.left).toBe(0);
    expect(c.nats.stored).toBeGreaterThanOrEqual(options.collectNats * options.bulkRounds);
    for (const j of [...q.rabbit.jobs, ...q.nats.jobs]) {
      expect(j.firstLetterMs).toBeGreaterThan(0);
      expect(j.rss.peakMiB).toBeGreaterThanOrEqual(j.rss.beforeMiB);
    }
    expect(dl.inbox).not.toBeNull();
    expect(markdown).toContain("### the embedded store (PGlite)");
    expect(dl.inboxEmbedded).not.toBeNull();
    for (const inbox of [dl.inbox!, dl.inboxEmbedded!]) {
      expect(inbox.rows, inbox.store).toBeGreaterThanOrEqual(options.inbox);
      expect(inbox.kinds.map((k) => k.key).sort()).toEqual([
        "deep",
        "fingerprint",
        "first",
        "groups",
        "groups-dead",
        "header",
        "header-rare",
        "messageId",
        "q",
        "source",
      ]);
      for (const k of inbox.kinds) {
        expect(k.latency.p50, k.key).toBeGreaterThan(0);
        // The rare header matches no letter: it times the index finding nothing.
        if (k.key === "header-rare") expect(k.items, k.key).toBe(0);
        else expect(k.items, k.key).toBeGreaterThan(0);
      }
      for (const key of ["header", "q", "groups"]) expect(inbox.kinds.find((k) => k.key === key)!.before!.p50, key).toBeGreaterThan(0);
      expect(inbox.kinds.find((k) => k.key === "first")!.items).toBe(50);
      expect(inbox.kinds.find((k) => k.key === "messageId")!.items).toBe(1);
      expect(inbox.baseline.p50).toBeGreaterThan(0);
      // The month alone, in a database of its own: every letter is the inbox's.
      expect(inbox.rows, inbox.store).toBe(options.inbox);
      expect(inbox.arrivals.shown, inbox.store).toBeGreaterThan(0);
      expect(inbox.arrivals.lastDay, inbox.store).toBeGreaterThanOrEqual(inbox.arrivals.shown);
      // Then the burst on top, timed as its own rows.
      const burst = inbox.burst!;
      expect(burst, inbox.store).not.toBeNull();
      expect(burst.rows, inbox.store).toBe(inbox.rows + burst.letters);
      expect(burst.letters / burst.rows).toBeCloseTo(0.4, 2);
      expect(burst.kinds.map((k) => k.key).sort()).toEqual(["first", "groups", "groups-dead", "header", "header-dead", "header-rare"]);
      for (const k of burst.kinds) {
        expect(k.latency.p50, `burst ${k.key}`).toBeGreaterThan(0);
        if (k.key.startsWith("groups")) expect(k.items, `burst ${k.key}`).toBeGreaterThanOrEqual(burst.causeGroups);
        else expect(k.items, `burst ${k.key}`).toBe(k.key === "header-rare" ? 0 : 50);
      }
      for (const key of ["header", "header-dead"]) expect(burst.kinds.find((k) => k.key === key)!.before!.p50, key).toBeGreaterThan(0);
      expect(burst.arrivals.shown, inbox.store).toBeGreaterThanOrEqual(burst.letters);
    }
    expect(markdown).toContain("### A burst on top of the month");
    const r = options.bulkRounds;
    expect(q.rabbit).toMatchObject({ destination: options.requeue * r, requeued: options.requeue * r, shovelMoved: options.requeue * r });
    expect(q.nats).toMatchObject({ destination: options.requeueNats * r, requeued: options.requeueNats * r, bareStored: options.requeueNats * r });
    for (const j of [...q.rabbit.jobs, ...q.nats.jobs]) expect(j.done).toBe(j.total.n);
    // Where the CPU went: one reading per round of every run, the broker busy in each, and the table with its ceilings.
    const cpuRuns = [c.rabbit.cpu.redrive, c.rabbit.cpu.bare, c.nats.cpu.redrive, c.nats.cpu.bare, q.rabbit.cpu.job, q.rabbit.cpu.bare, q.rabbit.cpu.bookkeeping, q.nats.cpu.job, q.nats.cpu.bare];
    for (const runs of cpuRuns) expect(runs).toHaveLength(r);
    for (const u of [...q.rabbit.cpu.job, ...q.rabbit.cpu.bare, ...q.nats.cpu.job]) expect(u.seconds.broker + u.seconds.store + u.seconds.bench).toBeGreaterThan(0);
    for (const u of q.rabbit.cpu.job) expect(u.seconds.store).toBeGreaterThan(0);
    expect(markdown).toContain("Where the CPU went");
    expect(markdown).toMatch(/\| RabbitMQ requeue job \| [\d,]+\/s \| \d+ µs \(RabbitMQ\) \| \d+ µs \| \d+ µs \| \*\*\d+ µs\*\* \| [\d,]+\/s \(\d+% of it reached\)/);
    expect(markdown).toMatch(/The RabbitMQ requeue job cost \d+ µs of CPU a letter/);
    // The floor: as many letters' states updated alone, the store busy, and its verdict against both bare baselines.
    expect(q.rabbit.floor.rate.n).toBe(options.requeue);
    expect(q.rabbit.floor.cpu.seconds.store).toBeGreaterThan(0);
    expect(markdown).toMatch(/\| the floor: the letters' inbox state alone \| [\d,]+\/s \| \d+ µs \(RabbitMQ\) \| \d+ µs \|/);
    expect(markdown).toMatch(/With nothing else written, the bare ConfirmChannel's own \d+ µs plus the floor's \d+ µs allow at most [\d,]+\/s, [\d.]+× the bare ConfirmChannel \([^)]*\); bare js\.publish's own \d+ µs plus the floor's \d+ µs allow at most/);

    // Nothing with the run's names is left on the brokers or the database server.
    const vhosts = await mgmt<Array<{ name: string }>>("GET", "/api/vhosts");
    expect(vhosts.map((v) => v.name).filter((n) => n.startsWith(report.names.vhost))).toEqual([]);
    const nc = await connect({ servers: "nats://127.0.0.1:4222" });
    try {
      const streams: string[] = [];
      for await (const name of (await jetstreamManager(nc)).streams.names()) streams.push(name);
      expect(streams.filter((s) => s.startsWith(report.names.natsPrefix))).toEqual([]);
    } finally {
      await nc.close();
    }
    expect(report.leftovers).toEqual([]);
    expect(report.cleanup.filter((c) => c.error)).toEqual([]);
    const pgAdmin = new pg.Client({ connectionString: ADMIN_URL });
    await pgAdmin.connect();
    try {
      expect((await pgAdmin.query("SELECT 1 FROM pg_database WHERE datname = $1", [report.names.database])).rowCount).toBe(0);
    } finally {
      await pgAdmin.end();
    }
  });
});
