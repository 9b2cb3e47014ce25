import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { getInboxTotals } from "@/lib/dead-letters/get-inbox-totals";
import { listDlqFlows } from "@/lib/dead-letters/list-dlq-flows";
import { listDlqs } from "@/lib/dead-letters/list-dlqs";
import { renderMetrics } from "@/lib/metrics/render-metrics";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { ordersLetter } from "../support/letters";
import { parseExposition, sampleOf } from "../support/parse-exposition";
import { createTestDatabase } from "../support/postgres";

// The Overview's inbox totals and the DLQ list's collected counts are read from the cause groups'
// counts, which triggers keep beside the letters, not by counting every letter. Through a week of
// letters arriving, being requeued, terminated, edited and deleted, they must equal a count of the
// letters themselves.

describe("the inbox totals", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let dir: string;

  /** The same figures, counted from the letters. */
  async function counted() {
    const q = <T,>(sql: string) => store.prisma.$queryRawUnsafe<T[]>(sql);
    const byState = await q<{ state: string; n: bigint }>(`SELECT "state", count(*) AS n FROM "dead_letters" GROUP BY 1`);
    const perCluster = await q<{ cluster: string; n: bigint }>(
      `SELECT c."name" AS cluster, count(*) AS n FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" WHERE d."state" = 'dead' GROUP BY 1 ORDER BY 1`,
    );
    const perClusterState = await q<{ cluster: string; state: string; n: bigint }>(
      `SELECT c."name" AS cluster, d."state", count(*) AS n FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" GROUP BY 1, 2`,
    );
    const newest = await q<{ cluster: string; at: Date }>(
      `SELECT c."name" AS cluster, max(d."captured_at") AS at FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" GROUP BY 1`,
    );
    const collected = await q<{ cluster: string; from: string; n: bigint }>(
      `SELECT c."name" AS cluster, d."collected_from" AS from, count(*) AS n FROM "dead_letters" d JOIN "clusters" c ON c."id" = d."cluster_id" GROUP BY 1, 2`,
    );
    return {
      byState: Object.fromEntries(byState.map((r) => [r.state, Number(r.n)])),
      clusters: perCluster.map((r) => ({ cluster: r.cluster, dead: Number(r.n) })),
      inCluster: Object.fromEntries(perClusterState.map((r) => [`${r.cluster}|${r.state}`, Number(r.n)])),
      collected: Object.fromEntries(collected.map((r) => [`${r.cluster}|${r.from}`, Number(r.n)])),
      newest: Object.fromEntries(newest.map((r) => [r.cluster, r.at.getTime() / 1000])),
    };
  }

  async function expectInStep(): Promise<void> {
    const want = await counted();
    const totals = await getInboxTotals();
    for (const [state, n] of Object.entries(totals.byState)) expect(n, state).toBe(want.byState[state] ?? 0);
    expect(totals.clusters).toEqual(want.clusters);
    const { dlqs } = await listDlqs();
    const shown = dlqs.filter((d) => d.collected > 0 || want.collected[`${d.cluster}|${d.name}`] !== undefined);
    expect(shown.length).toBeGreaterThan(0);
    for (const d of shown) expect(d.collected, `${d.cluster} ${d.name}`).toBe(want.collected[`${d.cluster}|${d.name}`] ?? 0);
    // The DLQ flows (the DLQ page, notifications, metrics) and the inbox gauge say the same.
    const flows = (await listDlqFlows()).filter((f) => f.kind === "rabbitmq");
    expect(flows).toHaveLength(4);
    for (const f of flows) expect(f.collected, `flow ${f.cluster} ${f.name}`).toBe(want.collected[`${f.cluster}|${f.name}`] ?? 0);
    const families = parseExposition((await renderMetrics()).text);
    for (const cluster of ["east", "west"]) {
      for (const state of ["dead", "requeued", "terminated"]) {
        expect(sampleOf(families, "redrive_inbox_letters", { cluster, state })?.value, `${cluster} ${state}`).toBe(want.inCluster[`${cluster}|${state}`] ?? 0);
      }
      // When the cluster's newest letter was captured (from the groups' last arrivals): absent once it has none.
      expect(sampleOf(families, "redrive_collector_last_capture_timestamp_seconds", { cluster })?.value, `${cluster} last capture`).toBe(want.newest[cluster]);
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase("redrive_inbox_totals");
    dir = mkdtempSync(path.join(tmpdir(), "redrive-inbox-totals-"));
    writeFileSync(
      path.join(dir, "redrive.config.json"),
      JSON.stringify({
        clusters: ["east", "west"].map((name) => ({ name, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" })),
      }),
    );
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    const p = store.prisma;
    for (const name of ["east", "west"]) {
      const c = await p.cluster.create({ data: { name, kind: "rabbitmq" } });
      await p.dlq.createMany({ data: ["v/orders.dlq", "v/billing.dlq"].map((q) => ({ clusterId: c.id, name: q, sources: [], foundBy: "test" })) });
      const letters = Array.from({ length: name === "east" ? 60 : 25 }, (_, i) => ({
        ...ordersLetter({ clusterId: c.id, clusterName: name, dedupeKey: `${name}-${i}`, messageId: `${name}-${i}`, i }),
        collectedFrom: i % 3 === 0 ? "v/billing.dlq" : "v/orders.dlq",
        reason: i % 2 ? "rejected" : "expired",
      }));
      await storeLetters(p, letters);
    }
    // Each letter captured at its own instant, the lowest number newest.
    await p.$executeRawUnsafe(`UPDATE "dead_letters" SET "captured_at" = now() - make_interval(mins => split_part("message_id", '-', 2)::int)`);
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("equal a count of the letters, as letters arrive, change state, are edited and deleted", async () => {
    const p = store.prisma;
    await expectInStep();
    // Requeued and terminated: some of east's, all of west's billing letters.
    await p.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'requeued' WHERE "message_id" IN ('east-1', 'east-2', 'east-4', 'east-5')`);
    await p.$executeRawUnsafe(`UPDATE "dead_letters" d SET "state" = 'terminated' FROM "clusters" c WHERE c."id" = d."cluster_id" AND c."name" = 'west' AND d."collected_from" = 'v/billing.dlq'`);
    await expectInStep();
    // An edit moves letters into another DLQ's count; deletes take some away; a restore brings one back.
    await p.$executeRawUnsafe(`UPDATE "dead_letters" SET "collected_from" = 'v/billing.dlq' WHERE "message_id" IN ('east-7', 'east-8')`);
    await p.$executeRawUnsafe(`DELETE FROM "dead_letters" WHERE "message_id" IN ('east-10', 'east-11', 'west-2')`);
    // Each cluster's newest letter leaves: its group's last arrival is now too new, the letter before is the answer.
    await p.$executeRawUnsafe(`DELETE FROM "dead_letters" WHERE "message_id" IN ('east-0', 'west-0')`);
    await p.$executeRawUnsafe(`UPDATE "dead_letters" SET "state" = 'dead' WHERE "message_id" = 'east-1'`);
    await expectInStep();
    // Every west letter gone: west leaves the per-cluster list, its DLQs show none collected.
    await p.$executeRawUnsafe(`DELETE FROM "dead_letters" d USING "clusters" c WHERE c."id" = d."cluster_id" AND c."name" = 'west'`);
    await expectInStep();
    const totals = await getInboxTotals();
    expect(totals.clusters.map((c) => c.cluster)).toEqual(["east"]);
    // East's 60 letters, less the three deleted.
    expect(totals.byState.dead + totals.byState.requeued + totals.byState.terminated).toBe(60 - 3);
    // A new letter arrives: the newest again, read from its group at once.
    const east = await p.cluster.findFirstOrThrow({ where: { name: "east" } });
    await storeLetters(p, [ordersLetter({ clusterId: east.id, clusterName: "east", dedupeKey: "east-new", messageId: "east-new", i: 100 })]);
    await expectInStep();
    const [row] = await p.$queryRawUnsafe<Array<{ at: Date }>>(`SELECT "captured_at" AS at FROM "dead_letters" WHERE "message_id" = 'east-new'`);
    expect(sampleOf(parseExposition((await renderMetrics()).text), "redrive_collector_last_capture_timestamp_seconds", { cluster: "east" })?.value).toBe(row!.at.getTime() / 1000);
  });
});
