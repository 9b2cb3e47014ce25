import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { GONE_PROBLEM, recordDiscovery } from "@/lib/dead-letters/collector/sync-dlqs";
import { listDlqs } from "@/lib/dead-letters/list-dlqs";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { createTestDatabase } from "../support/postgres";

// The DLQ panel over a week of queues coming and going: a queue deleted on the broker leaves the
// panel unless Redrive adopted it or holds its letters, and a depth says when it was read.

const CLUSTER = "dlq-list";
const id = randomBytes(3).toString("hex");

describe("the DLQ list", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let dir: string;
  let clusterId: string;

  beforeAll(async () => {
    db = await createTestDatabase("redrive_dlq_list");
    dir = mkdtempSync(path.join(tmpdir(), "redrive-dlq-list-"));
    writeFileSync(
      path.join(dir, "redrive.config.json"),
      JSON.stringify({
        clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" }],
      }),
    );
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    const p = store.prisma;
    clusterId = (await p.cluster.create({ data: { name: CLUSTER, kind: "rabbitmq" } })).id;
    const found = (name: string, depth: number) => ({ name, sources: [name.replace(".dlq", "")], foundBy: "test", depth, adoptedByConfig: false });
    const t0 = new Date(Date.now() - 60_000);
    // First walk: four DLQs. One gets adopted, one gets a letter collected into the inbox.
    await recordDiscovery(p, clusterId, [found("//kept.dlq", 5), found("//adopted.dlq", 7), found("//with-letters.dlq", 2), found("//gone.dlq", 3)], [], t0);
    await p.dlq.update({ where: { clusterId_name: { clusterId, name: "//adopted.dlq" } }, data: { adopted: true, adoptedBy: "test", adoptedAt: t0 } });
    await storeLetters(p, [
      {
        clusterId,
        clusterName: CLUSTER,
        kind: "rabbitmq",
        dedupeKey: `${id}-1`,
        source: "//with-letters",
        destination: "//with-letters",
        collectedFrom: "//with-letters.dlq",
        reason: "rejected",
        messageId: "m-1",
        contentType: "text/plain",
        payload: Buffer.from("x"),
        payloadMissing: null,
        properties: {},
        headers: {},
        rawHeaders: null,
        redriveCount: 0,
        deaths: [],
        deathCount: 1,
        firstDeathAt: t0,
        lastDeathAt: t0,
      },
    ]);
    // Second walk: only one queue is left on the broker.
    await recordDiscovery(p, clusterId, [found("//kept.dlq", 4)], [], new Date());
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("leaves out a deleted queue nobody adopted and whose letters Redrive does not hold", async () => {
    const { dlqs } = await listDlqs();
    const rabbit = dlqs.filter((d) => d.kind === "rabbitmq");
    expect(rabbit.map((d) => d.name).sort()).toEqual(["//adopted.dlq", "//kept.dlq", "//with-letters.dlq"]);
  });

  it("keeps an adopted or collected-from queue, marked deleted, with no depth and no problem box", async () => {
    const { dlqs } = await listDlqs();
    for (const name of ["//adopted.dlq", "//with-letters.dlq"]) {
      const d = dlqs.find((x) => x.name === name)!;
      expect(d).toMatchObject({ deleted: true, depth: null, depthAt: null });
      expect(d.problem).toBe(GONE_PROBLEM);
    }
    expect(dlqs.find((x) => x.name === "//with-letters.dlq")!.collected).toBe(1);
  });

  it("gives a live queue's depth with when it was read, the sampler's reading when that is newer", async () => {
    const kept = (await listDlqs()).dlqs.find((x) => x.name === "//kept.dlq")!;
    expect(kept).toMatchObject({ deleted: false, depth: 4 });
    expect(Date.parse(kept.depthAt!)).toBeGreaterThan(Date.now() - 30_000);
    // The sampler read the queue after discovery did: empty now (as right after an adoption drains it).
    await store.prisma.consumer.create({
      data: {
        clusterId,
        key: "//kept.dlq",
        kind: "rabbitmq",
        parent: "/",
        name: "kept.dlq",
        backlog: 0n,
        lastSampledAt: new Date(Date.now() + 1000),
        role: "dlq",
      },
    });
    const after = (await listDlqs()).dlqs.find((x) => x.name === "//kept.dlq")!;
    expect(after.depth).toBe(0);
  });
});
