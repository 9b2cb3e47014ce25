import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, apiRaw, signIn, startApp, TEST_ADMIN, type RunningApp } from "../e2e/support/app-server";
import { recordHostile } from "../support/accounting";
import { ensureBuild } from "../support/ensure-build";
import { createTestDatabase, queryRows } from "../support/postgres";

// The edges an attacker probes, against the built app as `npm start` serves it: a chunked body
// that never ends, addresses written into X-Forwarded-For, name spellings that reach one account,
// many accounts guessed at once, a stolen session guessing its own password, NUL bytes, ids past
// bigint, floods of refused requests, and a DNS-rebinding page. Each result goes to the
// reliability report's hostile-input table.

const NATS_ONLY = { clusters: [{ name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { enabled: false } }] };
const JSON_HEADERS = { "content-type": "application/json" };

type AuditRow = { actor: string; address: string | null; action: string; result: string | null; target: string | null; detail: Record<string, unknown> | null };
const auditRows = (url: string, where: string) => queryRows<AuditRow>(url, `SELECT actor, address, action, result, target, detail FROM audit_events WHERE ${where} ORDER BY id`);

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** A raw POST through node:http (to send any Host header, or a body as it is written). */
function rawPost(url: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Streams `total` bytes as a chunked body (no Content-Length) as fast as the server takes them,
 * and stops when an answer comes or the connection closes. Returns what was answered, how much
 * had been written by then, and the server's largest RSS meanwhile.
 */
function streamChunked(app: RunningApp, path: string, total: number): Promise<{ status: number | null; text: string; sentWhenAnswered: number | null; sent: number; peakRss: number; error: string | null }> {
  return new Promise((resolve) => {
    let sent = 0;
    let peakRss = rssBytes(app.pid);
    let answered: { status: number; sentWhenAnswered: number } | null = null;
    let text = "";
    let finished = false;
    const watch = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(app.pid))), 25);
    const done = (error: string | null) => {
      if (finished) return;
      finished = true;
      clearInterval(watch);
      peakRss = Math.max(peakRss, rssBytes(app.pid));
      resolve({ status: answered?.status ?? null, text, sentWhenAnswered: answered?.sentWhenAnswered ?? null, sent, peakRss, error });
    };
    const req = httpRequest(app.url + path, { method: "POST", headers: { ...JSON_HEADERS, origin: app.url, "transfer-encoding": "chunked" } }, (res) => {
      answered = { status: res.statusCode ?? 0, sentWhenAnswered: sent };
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => done(null));
      res.on("error", (e) => done(e.message));
      res.on("close", () => setTimeout(() => done(null), 50));
    });
    req.on("error", (e) => (answered ? setTimeout(() => done(null), 200) : done(e.message)));
    // A JSON string that never closes, 64 KiB at a time.
    const chunk = Buffer.alloc(64 * 1024, "a");
    const write = () => {
      if (sent === 0) {
        req.write('{"name":"');
      }
      while (!answered && !req.destroyed && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      if (!answered && !req.destroyed) req.end('"}');
    };
    write();
  });
}

describe("the edges an attacker probes", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: RunningApp;

  beforeAll(async () => {
    ensureBuild();
    db = await createTestDatabase("redrive_hostile");
    // publicUrl names the app's own address; one account may fail 3 times, the address and all together far more.
    app = await startApp((url: string) => ({ ...NATS_ONLY, publicUrl: url, auth: { signInFailuresPerAccount: 3, signInFailuresPerAddress: 1000, signInFailuresTotal: 1000 } }), { DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it("refuses a 64 MiB chunked body to sign-in with 413 before it is read: the upload is cut short and the server's memory stays flat", async () => {
    const t0 = Date.now();
    const before = rssBytes(app.pid);
    // The server answers while the client is still writing. It then closes lingering (server.mjs):
    // had it closed at once, the client's unread bytes would make the kernel reset the connection,
    // and a client could meet the reset before it read the answer. Every upload gets its answer.
    let r: Awaited<ReturnType<typeof streamChunked>> | undefined;
    let peakRss = before;
    for (let attempt = 1; attempt <= 5; attempt++) {
      r = await streamChunked(app, "/api/auth/sign-in", 64 * 1024 * 1024);
      expect(r.status, `upload ${attempt}: ${r.error ?? ""} ${r.text}`).toBe(413);
      expect(JSON.parse(r.text)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE", message: expect.stringMatching(/^The request body is larger than 1024 KiB/) } });
      // The answer came while the client was still sending, after a few MiB at most (socket buffers).
      expect(r.sentWhenAnswered).toBeLessThan(16 * 1024 * 1024);
      expect(r.sent).toBeLessThan(64 * 1024 * 1024);
      peakRss = Math.max(peakRss, r.peakRss);
    }
    r = r!;
    expect(peakRss - before).toBeLessThan(40 * 1024 * 1024);
    // The server is fine afterwards.
    expect((await fetch(`${app.url}/api/health/live`)).status).toBe(200);
    recordHostile(
      "POST /api/auth/sign-in with a 64 MiB chunked body (no Content-Length), signed out",
      "read as it arrives and refused at 1 MiB: nothing past it is read, and the connection closes after the answer",
      `HTTP ${r.status} to each of 5 uploads while the client was still sending, after ${((r.sentWhenAnswered ?? r.sent) / 1048576).toFixed(1)} MiB had left it (the last); server RSS +${((peakRss - before) / 1048576).toFixed(1)} MiB at peak`,
      t0,
    );
  });

  it("counts every spelling that reaches an account against that account: sec-bfİ is locked with sec-bfi", async () => {
    const t0 = Date.now();
    const password = "sec-bfi's long password";
    await api(app, "/api/users", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name: "sec-bfi", role: "viewer", password }) });
    // PostgreSQL matches the dotted capital İ to this account: it signs in.
    expect(await signIn(app, "sec-bfİ", password)).toMatch(/^redrive_session=/);
    for (let i = 0; i < 3; i++) {
      const res = await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name: "sec-bfi", password: `guess ${i}` }) }, null);
      expect(res.status).toBe(401);
    }
    for (const spelling of ["sec-bfi", "sec-bfİ", "SEC-BFI", "Sec-Bfİ"]) {
      const res = await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name: spelling, password }) }, null);
      expect(res.status, spelling).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain("Too many failed sign-ins for this account");
    }
    const rows = await auditRows(db.url, `action = 'auth.sign-in' AND actor ILIKE 'sec-bf%'`);
    expect(new Set(rows.map((r) => r.target))).toEqual(new Set(["user:sec-bfi"]));
    recordHostile("sign-in as `sec-bfİ` while `sec-bfi` is locked (PostgreSQL's lower() matches both to one account)", "counted against the account the name reaches", "HTTP 429 for `sec-bfi`, `sec-bfİ`, `SEC-BFI` and `Sec-Bfİ`, even with the right password", t0);
  });

  it("limits and audits wrong current passwords on a password change like failed sign-ins", async () => {
    const t0 = Date.now();
    const password = "pat's long first password";
    await api(app, "/api/users", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name: "pat", role: "operator", password }) });
    const session = await signIn(app, "pat", password);
    const change = (current: string) =>
      apiRaw(app, "/api/auth/password", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ current, next: "pat's long second password" }) }, session);
    for (let i = 0; i < 3; i++) expect((await change(`wrong guess ${i}`)).status).toBe(403);
    const limited = await change(password);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The old password still stands: the limited attempt changed nothing.
    expect((await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name: "pat", password }) }, null)).status).toBe(429);
    const rows = await auditRows(db.url, `action = 'user.password'`);
    expect(rows.map((r) => r.result)).toEqual(["refused", "refused", "refused", "limited"]);
    expect(rows.every((r) => r.actor === "pat" && r.target === "user:pat" && r.address === "127.0.0.1")).toBe(true);
    recordHostile("a wrong current password on a password change, again and again", "audited and counted like a failed sign-in", `HTTP 403 three times, then ${limited.status}; ${rows.length} user.password rows (${rows.map((r) => r.result).join(", ")})`, t0);
  });

  it("answers 400 with a sentence for a NUL byte in an audit filter (hostile-http.test.ts has the search, the sign-in name and ids past bigint)", async () => {
    const t0 = Date.now();
    const what = "GET /api/audit with a NUL byte in the actor filter";
    const res = await apiRaw(app, `/api/audit?actor=${encodeURIComponent("x\u0000")}`);
    const text = await res.text();
    expect(res.status, `${what}: ${text}`).toBe(400);
    expect(text).not.toMatch(/Prisma|invalid byte sequence|postgres/i);
    const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
    expect(error.message).toMatch(/^The request's query is invalid — actor: holds a NUL character/);
    recordHostile(what, "a JSON answer with a sentence, never a stack trace", `HTTP ${res.status} ${error.code}: ${error.message}`, t0);
  });

  it("audits refused requests (401, 403) at a bounded rate, naming who and from where", async () => {
    const t0 = Date.now();
    for (let i = 0; i < 40; i++) expect((await apiRaw(app, "/api/consumers", {}, null)).status).toBe(401);
    const name = `nosy-${Date.now().toString(36)}`;
    await api(app, "/api/users", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name, role: "viewer", password: `${name} password here` }) });
    const nosy = await signIn(app, name, `${name} password here`);
    expect((await apiRaw(app, "/api/users", {}, nosy)).status).toBe(403);
    const anonymous = await auditRows(db.url, `action = 'auth.refused' AND target = 'route:GET /api/consumers'`);
    expect(anonymous.length).toBeGreaterThanOrEqual(1);
    expect(anonymous.length).toBeLessThanOrEqual(5);
    expect(anonymous[0]).toMatchObject({ actor: "anonymous", address: "127.0.0.1", result: "unauthenticated" });
    const forbidden = await auditRows(db.url, `action = 'auth.refused' AND target = 'route:GET /api/users'`);
    expect(forbidden).toEqual([expect.objectContaining({ actor: name, address: "127.0.0.1", result: "forbidden" })]);
    recordHostile(
      "40 requests to one route without a session; a viewer asking for the users list",
      "audited as auth.refused at a bounded rate (5 a minute per route and reason, 30 in all; the rest in a summary row)",
      `${anonymous.length} rows for the 40 (anonymous, 127.0.0.1); ${forbidden.length} row naming the viewer for the 403`,
      t0,
    );
  });

  it("refuses a DNS-rebinding page (its own name as Host and Origin) at sign-in and setup when publicUrl is set", async () => {
    const t0 = Date.now();
    const port = new URL(app.url).port;
    const evil = `http://rebound.example:${port}`;
    for (const path of ["/api/auth/sign-in", "/api/auth/setup"]) {
      const r = await rawPost(app.url, path, { ...JSON_HEADERS, host: `rebound.example:${port}`, origin: evil, "sec-fetch-site": "same-origin" }, JSON.stringify({ name: TEST_ADMIN.name, password: TEST_ADMIN.password, token: "rdsetup_x" }));
      expect(r.status, `${path}: ${r.text}`).toBe(403);
      expect(r.text).toContain(`it came from ${evil}`);
    }
    recordHostile("POST to sign-in and setup from a DNS-rebinding page (its own name as Host and Origin), publicUrl set", "refused: the origin must be publicUrl's or in auth.allowedOrigins", "HTTP 403 FORBIDDEN for both: Refused: … it came from http://rebound.example:<port>", t0);
    // Redrive's own pages still sign in.
    expect(await signIn(app, TEST_ADMIN.name, TEST_ADMIN.password)).toMatch(/^redrive_session=/);
  });
});

describe("sign-in limits an attacker cannot step around", () => {
  it("counts failures under the socket's address, whatever X-Forwarded-For a client writes, and records that address", async () => {
    const t0 = Date.now();
    const db = await createTestDatabase("redrive_hostile");
    const app = await startApp({ ...NATS_ONLY, auth: { signInFailuresPerAccount: 1000, signInFailuresPerAddress: 3, signInFailuresTotal: 1000 } }, { DATABASE_URL: db.url });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: { ...JSON_HEADERS, "x-forwarded-for": `203.0.113.${i + 1}` }, body: JSON.stringify({ name: `nobody-${i}`, password: "guess" }) }, null);
        expect(res.status).toBe(401);
      }
      const limited = await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: { ...JSON_HEADERS, "x-forwarded-for": "198.51.100.99" }, body: JSON.stringify({ name: TEST_ADMIN.name, password: TEST_ADMIN.password }) }, null);
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as { error: { message: string } }).error.message).toContain("Too many failed sign-ins from this address");
      const rows = await auditRows(db.url, `action = 'auth.sign-in' AND result = 'refused'`);
      expect(rows.map((r) => r.address)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
      recordHostile("failed sign-ins, each with a different X-Forwarded-For", "counted and audited under the connection's own address; the header is ignored", `HTTP ${limited.status} after 3 failures (limit 3 per address); every row records ${rows[0]?.address}`, t0);
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it("pauses sign-in for everyone past the total cap (many names, many guesses), with Retry-After", async () => {
    const t0 = Date.now();
    const db = await createTestDatabase("redrive_hostile");
    const app = await startApp({ ...NATS_ONLY, auth: { signInFailuresPerAccount: 1000, signInFailuresPerAddress: 1000, signInFailuresTotal: 5 } }, { DATABASE_URL: db.url });
    try {
      const session = app.cookie!;
      for (let i = 0; i < 5; i++) {
        const res = await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name: `spray-${i}`, password: "Winter2026!" }) }, null);
        expect(res.status).toBe(401);
      }
      const limited = await apiRaw(app, "/api/auth/sign-in", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name: TEST_ADMIN.name, password: TEST_ADMIN.password }) }, null);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await limited.json()) as { error: { message: string } }).error.message).toMatch(/across Redrive as a whole.*sessions already open and API tokens keep working/);
      // A session opened before keeps working.
      expect((await apiRaw(app, "/api/auth/me", {}, session)).status).toBe(200);
      recordHostile("failed sign-ins spread over many names (password spraying)", "past the total cap sign-in pauses for everyone; open sessions keep working", `HTTP ${limited.status} with Retry-After after 5 failures (cap 5); an open session still answers 200`, t0);
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});
