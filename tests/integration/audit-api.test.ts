import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getEntryRoute } from "@/app/api/audit/[id]/route";
import { GET as exportRoute } from "@/app/api/audit/export/route";
import { GET as listRoute } from "@/app/api/audit/route";
import { auditRowHash } from "@/lib/audit/chain-hash";
import { hashSecret } from "@/lib/auth/secrets";
import { recordEvent } from "@/lib/audit/record-event";
import type { AuditEntry, AuditEntryDetail, AuditPage } from "@/lib/audit/types";
import { getStore } from "@/lib/db/get-store";
import type { Store } from "@/lib/db/open-store";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import { setDlqAdoption } from "@/lib/dead-letters/set-dlq-adoption";
import { JobRunner } from "@/lib/redrive/job-runner";
import { startJob } from "@/lib/redrive/start-job";
import { TEST_OPERATOR } from "../support/principals";
import { createTestDatabase } from "../support/postgres";
import { ordersLetter } from "../support/letters";
// Some rows here carry names outside Redrive's vocabulary on purpose: the chain and the filters take any text.
import type { AuditAction } from "@/lib/audit/actions";

// The audit API as a client sees it: the route handlers themselves (parsing, permission, errors)
// over a store filled the way Redrive fills it — a real terminate job with its chunk rows, an
// audited DLQ adoption, and events.

const id = randomBytes(3).toString("hex");
const CLUSTER = `rmq-audit-${id}`;
const noParams = { params: Promise.resolve({}) };

// The routes ask who is calling, as in the server: an operator's API token, made in beforeAll
// straight in the store (so it adds no audit rows of its own).
const OPERATOR_TOKEN = `rdt_audit-api-test-${id}`;
const asOperator = (url: string) => new Request(url, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });

type Route = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(route: Route, url: string, params: Record<string, string> = {}): Promise<Response> {
  return route(asOperator(`http://redrive.test${url}`), { params: Promise.resolve(params) });
}

async function data<T>(res: Response): Promise<T> {
  const body = (await res.json()) as { data?: T; error?: { message: string } };
  if (!res.ok || body.data === undefined) throw new Error(`HTTP ${res.status}: ${body.error?.message}`);
  return body.data;
}

const list = async (qs: string) => data<AuditPage>(await listRoute(asOperator(`http://redrive.test/api/audit?${qs}`), noParams));

/** Every entry a filter matches, page by page through the cursors. */
async function listAll(qs: string, limit = 7): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page: AuditPage = await list(`${qs}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return out;
  }
  throw new Error("paging did not end");
}

function letter(clusterId: string, i: number): NewLetter {
  return ordersLetter({ clusterId, clusterName: CLUSTER, dedupeKey: `${id}-${i}`, messageId: `m-${i}`, i });
}

/** An entry as a list shows it: a chunk row without its letters, and only their count. */
function listed(e: AuditEntry): AuditEntry {
  const strip = (v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const { letters: _letters, ...rest } = v as Record<string, unknown>;
    return rest;
  };
  return { ...e, request: strip(e.request), detail: strip(e.detail), letters: e.letters ? { count: e.letters.count } : e.letters };
}

const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));

describe("the audit API", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let dir: string;
  let clusterId: string;
  let letterIds: string[];
  let jobId: string;
  let firstEventAt: string;

  beforeAll(async () => {
    db = await createTestDatabase("redrive_audit_api");
    dir = mkdtempSync(path.join(tmpdir(), "redrive-audit-api-"));
    writeFileSync(path.join(dir, "redrive.config.json"), JSON.stringify({ clusters: [{ name: CLUSTER, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672" }] }));
    // The routes read the process configuration and store, as they do in the server.
    process.env.REDRIVE_CONFIG = path.join(dir, "redrive.config.json");
    process.env.DATABASE_URL = db.url;
    store = await getStore();
    const p = store.prisma;

    await p.apiToken.create({ data: { name: "audit-api test", role: "operator", tokenHash: hashSecret(OPERATOR_TOKEN), prefix: OPERATOR_TOKEN.slice(0, 10), createdBy: "test" } });
    clusterId = (await p.cluster.create({ data: { name: CLUSTER, kind: "rabbitmq" } })).id;
    await storeLetters(p, [0, 1, 2, 3].map((i) => letter(clusterId, i)));
    letterIds = (await p.deadLetter.findMany({ orderBy: { messageId: "asc" }, select: { id: true } })).map((l) => l.id);

    firstEventAt = new Date().toISOString();
    await recordEvent(p, { actor: "carol", address: "10.0.0.9", action: "user.sign-in" as AuditAction, target: "user:carol", request: { method: "password" }, result: "failed", detail: { reason: "wrong password" } });
    await new Promise((r) => setTimeout(r, 20));

    // A terminate job over three letters, run by the real runner: job intent and outcome, one chunk's intent and outcome naming the three letters, the job's end.
    const job = await startJob({ action: "terminate", scope: { kind: "letters", ids: letterIds.slice(0, 3) }, includePoison: false, rate: 1000 }, TEST_OPERATOR, "192.0.2.4");
    jobId = job.id;
    const runner = new JobRunner({ prisma: p, maxInFlight: 50, publisherFor: () => Promise.reject(new Error("a terminate publishes nothing")) });
    await runner.claim();
    await runner.idle();
    await runner.stop();
    expect((await p.redriveJob.findUniqueOrThrow({ where: { id: jobId } })).state).toBe("completed");

    const dlq = await p.dlq.create({ data: { clusterId, name: "v/orders.dlq", foundBy: "test" } });
    await setDlqAdoption({ cluster: CLUSTER, name: dlq.name, adopted: true }, TEST_OPERATOR, null);
    await recordEvent(p, { actor: "=evil()", action: "user.role-change" as AuditAction, target: "user:dave", request: { role: "admin" }, result: "ok", detail: { note: 'line one\nline two, "quoted"' } });
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists newest first and pages through every entry by cursor, each exactly once", async () => {
    const first = await list("limit=500");
    expect(first.nextCursor).toBeNull();
    const ids = first.items.map((e) => BigInt(e.id));
    expect(ids.length).toBe(1 + 2 + 2 + 1 + 2 + 1);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! < ids[i - 1]!).toBe(true);
    const paged = await listAll("", 4);
    expect(paged.map((e) => e.id)).toEqual(first.items.map((e) => e.id));
    expect(first.items[0]).toMatchObject({ actor: "=evil()", action: "user.role-change", phase: "event", result: "ok", target: "user:dave" });
    expect(first.items[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(first.items[0]!.prevHash).toBe(first.items[1]!.hash);
  });

  it("filters by actor, exact action, action prefix, phase and result", async () => {
    expect((await listAll("actor=carol")).map((e) => e.action)).toEqual(["user.sign-in"]);
    expect((await listAll("action=job.terminate")).map((e) => [e.phase, e.result])).toEqual([["outcome", "completed"], ["outcome", "ok"], ["intent", null]]);
    // The end of the job says how it went, and every row names the job as an operator does.
    const [end] = await listAll("action=job.terminate&result=completed");
    const number = Number((await store.prisma.redriveJob.findUniqueOrThrow({ where: { id: jobId } })).number);
    expect(end!.detail).toEqual({ jobNumber: number, total: 3, letters: { done: 3 } });
    expect(end!.targetLabel).toBe(`Job ${number}`);
    // The job's letters are one chunk: its rows link the job and say how many letters they name; a list leaves the letters out.
    const chunk = await listAll("action=letter.");
    expect(chunk.map((e) => [e.phase, e.result, e.target, e.targetLabel, e.letters])).toEqual([
      ["outcome", "done", `job:${jobId}`, `Job ${number}`, { count: 3 }],
      ["intent", null, `job:${jobId}`, `Job ${number}`, { count: 3 }],
    ]);
    expect(chunk[1]!.request).toEqual({ job: jobId });
    expect(chunk[0]!.detail).toEqual({ job: jobId, counts: { done: 3 } });
    const [adopt] = await listAll("action=dlq.adopt&phase=outcome");
    expect(adopt!.targetLabel).toBe(`DLQ v/orders.dlq on ${CLUSTER}`);
    const letters = await listAll("action=letter.");
    expect(letters).toHaveLength(2);
    expect(letters.every((e) => e.action === "letter.terminate")).toBe(true);
    expect((await listAll(`action=${encodeURIComponent("letter*")}`)).map((e) => e.id)).toEqual(letters.map((e) => e.id));
    expect(await listAll("action=letter")).toEqual([]);
    expect((await listAll("phase=event")).map((e) => e.actor)).toEqual(["=evil()", "carol"]);
    expect((await listAll("phase=intent,outcome&action=dlq.adopt")).map((e) => e.phase)).toEqual(["outcome", "intent"]);
    expect((await listAll("result=failed")).map((e) => e.action)).toEqual(["user.sign-in"]);
  });

  it("filters by cluster (name or id), target, letter and job — a job brings its letters' rows", async () => {
    const byName = await listAll(`cluster=${CLUSTER}`);
    expect(byName.map((e) => [e.action, e.phase])).toEqual([["dlq.adopt", "outcome"], ["dlq.adopt", "intent"]]);
    expect(byName[0]!.cluster).toBe(CLUSTER);
    expect((await listAll(`cluster=${clusterId}`)).map((e) => e.id)).toEqual(byName.map((e) => e.id));
    expect(await listAll("cluster=no-such-cluster")).toEqual([]);

    const one = await listAll(`letter=${letterIds[0]}`);
    expect(one.map((e) => [e.action, e.phase, e.result])).toEqual([["letter.terminate", "outcome", "done"], ["letter.terminate", "intent", null]]);
    expect(one[0]!.intentId).toBe(one[1]!.id);
    // Narrowed to a letter, a chunk row says what it records of that letter.
    expect(one.map((e) => e.letters)).toEqual([{ count: 3, letter: { id: letterIds[0], result: "done", detail: null } }, { count: 3, letter: { id: letterIds[0], result: null, detail: null } }]);
    expect((await listAll(`target=${encodeURIComponent(`letter:${letterIds[0]}`)}`)).map((e) => e.id)).toEqual(one.map((e) => e.id));
    expect(await listAll(`letter=${letterIds[3]}`)).toEqual([]);

    const job = await listAll(`job=${jobId}`);
    expect(job.map((e) => [e.action, e.phase])).toEqual([
      ["job.terminate", "outcome"],
      ["letter.terminate", "outcome"],
      ["letter.terminate", "intent"],
      ["job.terminate", "outcome"],
      ["job.terminate", "intent"],
    ]);
    expect(new Set(job.map((e) => e.target))).toEqual(new Set([`job:${jobId}`]));
    expect(job.at(-1)).toMatchObject({ actor: TEST_OPERATOR.name, address: "192.0.2.4", target: `job:${jobId}` });
  });

  it("filters by time: from is inclusive, to exclusive", async () => {
    const all = await listAll("");
    const pivot = all.find((e) => e.action === "job.terminate" && e.phase === "intent")!;
    const from = await listAll(`from=${encodeURIComponent(pivot.at)}`);
    expect(from.every((e) => e.at >= pivot.at)).toBe(true);
    expect(from.map((e) => e.id)).toContain(pivot.id);
    const to = await listAll(`to=${encodeURIComponent(pivot.at)}`);
    expect(to.every((e) => e.at < pivot.at)).toBe(true);
    expect(to.map((e) => e.action)).toContain("user.sign-in");
    expect(from.length + to.length).toBe(all.length);
    expect((await listAll(`from=${encodeURIComponent(firstEventAt)}&to=${encodeURIComponent(pivot.at)}`)).map((e) => e.action)).toEqual(["user.sign-in"]);
  });

  it("refuses bad filters and cursors with a sentence", async () => {
    for (const qs of ["cursor=garbage", "cursor=0", "limit=501", "limit=0", "letter=not-a-uuid", "job=123", "phase=maybe", "from=yesterday"]) {
      const res = await listRoute(asOperator(`http://redrive.test/api/audit?${qs}`), noParams);
      expect(res.status, qs).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("INVALID_INPUT");
      expect(body.error.message).toMatch(/^The request's query is invalid — /);
    }
  });

  it("shows one entry with its intent/outcome partner", async () => {
    const [outcome, intent] = await listAll(`letter=${letterIds[1]}`);
    const a = await data<AuditEntryDetail>(await call(getEntryRoute, `/api/audit/${outcome!.id}`, { id: outcome!.id }));
    expect(listed(a.entry)).toEqual(listed(outcome!));
    expect(a.partners.map(listed)).toEqual([listed(intent!)]);
    // The entry's own page shows every letter a chunk row names, with each one's result.
    expect(a.entry.letters).toEqual({ count: 3 });
    expect(byId((a.entry.detail as { letters: Array<{ id: string }> }).letters)).toEqual(byId(letterIds.slice(0, 3).map((id) => ({ id, result: "done" }))));
    expect(((a.partners[0]!.request as { letters: string[] }).letters).sort()).toEqual(letterIds.slice(0, 3).sort());
    const b = await data<AuditEntryDetail>(await call(getEntryRoute, `/api/audit/${intent!.id}`, { id: intent!.id }));
    expect(b.partners.map(listed)).toEqual([listed(outcome!)]);
    const jobIntent = (await listAll("action=job.terminate&phase=intent"))[0]!;
    const c = await data<AuditEntryDetail>(await call(getEntryRoute, `/api/audit/${jobIntent.id}`, { id: jobIntent.id }));
    // A job's intent has two outcomes: it started, and it ended.
    expect(c.partners.map((e) => [e.phase, e.result])).toEqual([["outcome", "ok"], ["outcome", "completed"]]);
    const event = (await listAll("actor=carol"))[0]!;
    expect((await data<AuditEntryDetail>(await call(getEntryRoute, `/api/audit/${event.id}`, { id: event.id }))).partners).toEqual([]);
    const missing = await call(getEntryRoute, "/api/audit/999999", { id: "999999" });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe("The audit log has no entry 999999.");
    expect((await call(getEntryRoute, "/api/audit/abc", { id: "abc" })).status).toBe(400);
  });

  it("exports the filtered set as CSV that parses back to the very rows, hashes included, and records the export", async () => {
    const wanted = (await listAll(`job=${jobId}`)).reverse();
    const newest = (await list("limit=1")).items[0]!.id;
    const res = await exportRoute(asOperator(`http://redrive.test/api/audit/export?format=csv&job=${jobId}`), noParams);
    expect(res.headers.get("x-redrive-audit-up-to")).toBe(newest);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="redrive-audit-\d{8}T\d{6}Z\.csv"$/);
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.id)).toEqual(wanted.map((e) => e.id));
    for (const [i, r] of rows.entries()) {
      const e = wanted[i]!;
      expect(r).toMatchObject({ at: e.at, actor: e.actor, address: e.address ?? "", action: e.action, phase: e.phase, intent_id: e.intentId ?? "", target: e.target ?? "", result: e.result ?? "", prev_hash: e.prevHash, hash: e.hash });
      // A list leaves a chunk row's letters out; the export keeps them (the hash covers them).
      const { letters, ...request } = JSON.parse(r.request!) as Record<string, unknown>;
      expect(request).toEqual(e.request);
      if (e.letters) expect(e.phase === "intent" ? (letters as string[]).sort() : letters).toEqual(e.phase === "intent" ? letterIds.slice(0, 3).sort() : undefined);
      // The CSV holds the exact text the hash covers: anyone can recompute it from the file.
      const fields = { id: r.id!, at: r.at!, actor: r.actor!, address: r.address || null, action: r.action!, phase: r.phase!, intentId: r.intent_id || null, clusterId: r.cluster_id || null, target: r.target || null, request: r.request!, result: r.result || null, detail: r.detail || null };
      expect(auditRowHash(r.prev_hash!, fields)).toBe(r.hash);
    }
    const recorded = (await listAll("action=audit.export"))[0]!;
    expect(recorded).toMatchObject({ phase: "event", target: "audit", result: "ok", request: { format: "csv", filters: { job: jobId } } });
    expect(recorded.detail).toEqual({ upTo: newest });
    expect(BigInt(recorded.id)).toBeGreaterThan(BigInt(newest));
  });

  it("quotes hostile cells and defuses formulas in the CSV", async () => {
    const res = await exportRoute(asOperator("http://redrive.test/api/audit/export?format=csv&action=user.role-change"), noParams);
    const text = await res.text();
    const [row] = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(row).toMatchObject({ actor: "'=evil()", action: "user.role-change" });
    expect(JSON.parse(row!.detail!)).toEqual({ note: 'line one\nline two, "quoted"' });
    expect(text).toContain('"{""note"": ""line one\\nline two, \\""quoted\\""""}"');
  });

  it("exports JSON as one array of the API's entries, in chain order", async () => {
    const wanted = (await listAll("")).filter((e) => e.action !== "audit.export").reverse();
    const res = await exportRoute(asOperator("http://redrive.test/api/audit/export?format=json"), noParams);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/filename="redrive-audit-\d{8}T\d{6}Z\.json"/);
    const got = (JSON.parse(await res.text()) as AuditEntry[]).filter((e) => e.action !== "audit.export");
    expect(got.map(listed)).toEqual(wanted.map(listed));
    // The export keeps a chunk row's letters, each with its result.
    const outcome = got.find((e) => e.action === "letter.terminate" && e.phase === "outcome")!;
    expect(outcome.letters).toEqual({ count: 3 });
    expect(byId((outcome.detail as { letters: Array<{ id: string }> }).letters)).toEqual(byId(letterIds.slice(0, 3).map((id) => ({ id, result: "done" }))));
    const empty = await exportRoute(asOperator("http://redrive.test/api/audit/export?format=json&actor=nobody"), noParams);
    expect(JSON.parse(await empty.text())).toEqual([]);
    expect((await exportRoute(asOperator("http://redrive.test/api/audit/export?format=xml"), noParams)).status).toBe(400);
  });

  it("streams an export larger than one batch whole, and leaves out what is written after it began", async () => {
    await store.prisma.auditEvent.createMany({ data: Array.from({ length: 2500 }, (_, i) => ({ actor: "bulk", action: "test.bulk", phase: "event", result: "ok", request: { i } })) });
    const res = await exportRoute(asOperator("http://redrive.test/api/audit/export?format=csv&actor=bulk"), noParams);
    const upTo = BigInt(res.headers.get("x-redrive-audit-up-to")!);
    await recordEvent(store.prisma, { actor: "bulk", action: "test.bulk" as AuditAction, result: "late" });
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(2500);
    expect(rows.map((r) => JSON.parse(r.request!).i)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(rows.every((r) => BigInt(r.id!) <= upTo)).toBe(true);
  });
});
