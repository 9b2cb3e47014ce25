import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/open-store";
import { storeLetters } from "@/lib/dead-letters/new-letter";
import { letterFromAmqp } from "@/lib/brokers/rabbitmq/letter-from-amqp";
import { api, apiRaw, startApp, type RunningApp } from "../e2e/support/app-server";
import { launchBrowser, newAppPage } from "../e2e/support/browser";
import { recordHostile } from "../support/accounting";
import { ensureBuild } from "../support/ensure-build";
import { createTestDatabase } from "../support/postgres";
import { uniqueId } from "../support/redrive-env";

// Hostile input through HTTP, against the built app: malformed, oversized and injection-shaped
// requests get a clear JSON error (never a stack trace or an HTML page), and hostile data in the
// store is served as data.

const id = uniqueId();
const CLUSTER = `hostile-http-${id}`;
const XSS = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;

type ErrorBody = { error?: { code: string; message: string; ref: string } };

describe("hostile input over HTTP", () => {
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let browser: Browser | undefined;
  let letterId: string;

  beforeAll(async () => {
    ensureBuild();
    db = await createTestDatabase("redrive_hostile");
    store = await openStore({ kind: "postgres", url: db.url });
    const cluster = await store.prisma.cluster.create({ data: { name: CLUSTER, kind: "rabbitmq" } });
    // A letter as the collector would store it, from a queue whose name and headers are hostile too.
    await storeLetters(store.prisma, [
      letterFromAmqp(
        {
          content: Buffer.from(XSS),
          properties: { messageId: `xss-${id}`, contentType: "text/html", headers: { [XSS]: XSS, "x-error": XSS, "x-death": [{ count: 1, reason: "rejected", queue: `q ${XSS}`, exchange: "", "routing-keys": [XSS], time: { "!": "timestamp", value: 1_700_000_000 } }] } },
        },
        { clusterId: cluster.id, clusterName: CLUSTER, vhost: `v-${id}`, dlq: `dlq ${XSS}` },
      ),
    ]);
    letterId = (await store.prisma.deadLetter.findFirstOrThrow({ where: { messageId: `xss-${id}` } })).id;
    app = await startApp({ clusters: [{ name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { enabled: false } }] }, { DATABASE_URL: db.url });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await store?.close();
    await db?.drop();
  });

  const cases: Array<{ input: string; url: string; init?: RequestInit; status: number; message: RegExp }> = [
    { input: "POST /api/jobs with a body that is not JSON", url: "/api/jobs", init: { method: "POST", body: "{ action: requeue", headers: { "content-type": "application/json" } }, status: 400, message: /^The request body is not valid JSON\.$/ },
    { input: "POST /api/jobs with a 2 MB body", url: "/api/jobs", init: { method: "POST", body: JSON.stringify({ action: "requeue", pad: "x".repeat(2 * 1024 * 1024) }), headers: { "content-type": "application/json" } }, status: 413, message: /larger than 1024 KiB/ },
    { input: "POST /api/jobs with wrong types and an unknown action", url: "/api/jobs", init: { method: "POST", body: JSON.stringify({ action: "delete-everything", scope: { kind: "letters", ids: ["1; DROP TABLE dead_letters"] }, rate: -5 }), headers: { "content-type": "application/json" } }, status: 400, message: /^The request's body is invalid — action: .*scope\.ids\.0: .*rate: / },
    { input: "POST /api/jobs with a filter scope holding SQL", url: "/api/jobs", init: { method: "POST", body: JSON.stringify({ action: "terminate", scope: { kind: "filter", filters: { source: "x' OR '1'='1", q: "'; DROP TABLE dead_letters; --" } } }), headers: { "content-type": "application/json" } }, status: 409, message: /^There is nothing to terminate/ },
    { input: "GET /api/dead-letters with q, header and source holding SQL and unicode", url: `/api/dead-letters?q=${encodeURIComponent("' OR 1=1; -- ✉ <script>")}&source=${encodeURIComponent("x' OR '1'='1")}&header=${encodeURIComponent("x-tenant:' OR 1=1 --")}`, status: 200, message: /^$/ },
    { input: "GET /api/dead-letters with a forged cursor", url: `/api/dead-letters?cursor=${Buffer.from("2020-01-01|'; DROP TABLE x").toString("base64url")}`, status: 400, message: /The page cursor is not one Redrive gave out|invalid/ },
    { input: "GET /api/dead-letters with a 10 KB search text", url: `/api/dead-letters?q=${"a".repeat(10_000)}`, status: 400, message: /^The request's query is invalid — q: Too big/ },
    { input: "GET /api/dead-letters/<not a uuid>", url: `/api/dead-letters/${encodeURIComponent("../../etc/passwd")}`, status: 400, message: /^The request's path is invalid — id: / },
    { input: "GET /api/dead-letters/<unknown uuid>/payload", url: "/api/dead-letters/00000000-0000-4000-8000-00000000dead/payload", status: 404, message: /not in Redrive's inbox/ },
    { input: "GET /api/dead-letters with a NUL byte in the search text", url: `/api/dead-letters?q=${encodeURIComponent("a\u0000b")}`, status: 400, message: /^The request's query is invalid — q: holds a NUL character/ },
    { input: "POST /api/auth/sign-in with a NUL byte in the name", url: "/api/auth/sign-in", init: { method: "POST", body: JSON.stringify({ name: "adm\u0000in", password: "x" }), headers: { "content-type": "application/json" } }, status: 400, message: /^The request's body is invalid — name: holds a NUL character/ },
    { input: "GET /api/audit/<an id past bigint>", url: "/api/audit/9999999999999999999", status: 400, message: /^The request's path is invalid — id: must be an audit entry number/ },
    { input: "GET /api/consumers with an unknown sort and a negative limit", url: "/api/consumers?sort=%3Cscript%3E&limit=-1", status: 400, message: /^The request's query is invalid — / },
  ];

  it("malformed, oversized and injection-shaped requests: a clear JSON error, nothing broken", async () => {
    for (const c of cases) {
      const t0 = Date.now();
      const res = await apiRaw(app, c.url, c.init);
      const text = await res.text();
      expect(res.headers.get("content-type"), c.input).toMatch(/^application\/json/);
      const body = JSON.parse(text) as ErrorBody;
      expect(res.status, `${c.input}: ${text.slice(0, 300)}`).toBe(c.status);
      expect(text, c.input).not.toMatch(/at .*\.(js|ts):\d+|node_modules|Prisma|stack/);
      expect(body.error?.message ?? "", c.input).toMatch(c.message);
      recordHostile(c.input, "a JSON answer with a sentence, never a stack trace", `HTTP ${res.status}${body.error ? ` ${body.error.code}: ${body.error.message}` : ", an empty result"}`, t0);
    }
    // A request line past Node's 16 KiB header limit is refused by the HTTP server itself (431), before the app.
    const t0 = Date.now();
    const huge = await apiRaw(app, `/api/dead-letters?q=${"a".repeat(100_000)}`);
    expect(huge.status).toBe(431);
    recordHostile("GET /api/dead-letters with a 100 KB query string", "refused by the HTTP server before the app", `HTTP ${huge.status} (Request Header Fields Too Large)`, t0);
    // And the store is as it was.
    expect(await store.prisma.deadLetter.count({ where: { state: "dead", jobId: null } })).toBe(1);
    expect((await api<{ status: string }>(app, "/api/health")).status).toMatch(/ok|degraded/);
  });

  it("hostile names, headers and payloads are served as data, and render as text", async () => {
    const t0 = Date.now();
    const res = await apiRaw(app, `/api/dead-letters/${letterId}`);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const detail = ((await res.json()) as { data: { headers: Record<string, unknown>; collectedFrom: string; payloadBase64: string } }).data;
    expect(detail.headers[XSS]).toBe(XSS);
    expect(detail.collectedFrom).toBe(`v-${id}/dlq ${XSS}`);
    expect(Buffer.from(detail.payloadBase64, "base64").toString()).toBe(XSS);
    const download = await apiRaw(app, `/api/dead-letters/${letterId}/payload`);
    expect(download.headers.get("content-type")).toBe("application/octet-stream");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe(XSS);

    browser = await launchBrowser();
    const page = await newAppPage(browser, app);
    const dialogs: string[] = [];
    page.on("dialog", (d) => void (dialogs.push(d.message()), d.dismiss()));
    for (const path of [`/dead-letters/${letterId}`, `/dead-letters/${letterId}?tab=headers`, `/dead-letters?q=${encodeURIComponent(XSS)}`, `/dead-letters/${encodeURIComponent(XSS)}`]) {
      await page.goto(app.url + path, { waitUntil: "networkidle" });
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), path).toBeUndefined();
    }
    await page.goto(app.url + `/dead-letters/${letterId}`, { waitUntil: "networkidle" });
    expect(await page.locator("body").textContent()).toContain(`dlq ${XSS}`);
    expect(dialogs).toEqual([]);
    recordHostile("HTML/JS in a payload, a header name and value, a DLQ name and the error text, shown in the browser", "served as JSON data, downloaded as an attachment with nosniff, rendered as text", "no script ran, no dialog opened; the DLQ name shows literally", t0);
  });
});
