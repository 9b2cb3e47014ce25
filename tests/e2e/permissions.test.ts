import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, queryRows } from "../support/postgres";
import { until } from "../support/rabbit-admin";
import { api, apiRaw, sessionAs, signIn, startApp, TEST_ADMIN, type RunningApp } from "./support/app-server";

// Who may call what. Written out by hand from the roles the product promises (viewer: health and
// dead-letter metadata; operator: + payloads and actions on messages, the audit log; admin: + users,
// tokens, DLQ adoption, settings) — not derived from lib/auth — so a change to either shows here.
// Every route file under app/api must be listed, and every entry must still exist.
type Need = "public" | "signed-in" | "viewer" | "operator" | "admin";
const MATRIX: Record<string, Need> = {
  "GET /api/health/live": "public",
  "GET /api/health/ready": "public",
  "POST /api/auth/sign-in": "public",
  "POST /api/auth/setup": "public",
  "GET /api/auth/oidc/start": "public",
  "GET /api/auth/oidc/callback": "public",
  "GET /api/auth/proxy/sign-in": "public",
  "GET /api/auth/me": "signed-in",
  "POST /api/auth/sign-out": "signed-in",
  "POST /api/auth/password": "signed-in",
  "GET /api/health": "viewer",
  "GET /api/clusters": "viewer",
  "GET /api/consumers": "viewer",
  "GET /api/consumers/[id]": "viewer",
  "GET /api/consumers/[id]/series": "viewer",
  "GET /api/overview/consumers": "viewer",
  "GET /api/expected-consumers": "viewer",
  "POST /api/expected-consumers": "admin",
  "DELETE /api/expected-consumers/[id]": "admin",
  "GET /api/overview/dead-letters": "viewer",
  "GET /api/dead-letters": "viewer",
  "GET /api/dead-letters/groups": "viewer",
  "GET /api/dead-letters/[id]": "viewer",
  "GET /api/dead-letters/[id]/history": "viewer",
  "GET /api/dead-letters/[id]/payload": "operator",
  "GET /api/dlqs": "viewer",
  "GET /api/dlqs/[id]": "viewer",
  "GET /api/metrics": "viewer",
  "GET /api/notifications": "admin",
  "POST /api/notifications/channels": "admin",
  "PUT /api/notifications/channels/[id]": "admin",
  "DELETE /api/notifications/channels/[id]": "admin",
  "POST /api/notifications/channels/[id]/test": "admin",
  "POST /api/notifications/rules": "admin",
  "PUT /api/notifications/rules/[id]": "admin",
  "DELETE /api/notifications/rules/[id]": "admin",
  "POST /api/dlqs/adopt": "admin",
  "GET /api/jobs": "viewer",
  "POST /api/jobs": "operator",
  "POST /api/jobs/plan": "operator",
  "GET /api/jobs/[id]": "viewer",
  "GET /api/jobs/[id]/letters": "viewer",
  "POST /api/jobs/[id]/[control]": "operator",
  "GET /api/audit": "operator",
  "GET /api/audit/[id]": "operator",
  "GET /api/audit/export": "operator",
  "GET /api/users": "admin",
  "POST /api/users": "admin",
  "PATCH /api/users/[id]": "admin",
  "GET /api/tokens": "admin",
  "POST /api/tokens": "admin",
  "DELETE /api/tokens/[id]": "admin",
};

// Bodies that ask for more than their route's permission: a requeue elsewhere or with an edited payload
// needs "dead-letters:redirect", which only admins hold unless the configuration grants it.
const REDIRECT = { action: "requeue", scope: { kind: "letters", ids: ["00000000-0000-4000-8000-000000000000"] } };
const BODY_MATRIX: Array<{ route: string; asks: string; body: unknown; need: Need }> = [
  { route: "POST /api/jobs", asks: "a requeue elsewhere", body: { ...REDIRECT, destination: "orders.retry" }, need: "admin" },
  { route: "POST /api/jobs", asks: "an edited requeue", body: { ...REDIRECT, edit: { payloadBase64: "" } }, need: "admin" },
  { route: "POST /api/jobs", asks: "a requeue as it is", body: REDIRECT, need: "operator" },
  { route: "POST /api/jobs/plan", asks: "a requeue elsewhere", body: { ...REDIRECT, destination: "$JS.API.STREAM.DELETE.X" }, need: "admin" },
  { route: "POST /api/jobs/plan", asks: "an edited requeue", body: { ...REDIRECT, edit: { headers: { x: "y" } } }, need: "admin" },
];

const RANK: Record<Exclude<Need, "public" | "signed-in">, number> = { viewer: 1, operator: 2, admin: 3 };
const NOBODY_ID = "00000000-0000-4000-8000-000000000000";

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? routeFiles(full) : name === "route.ts" ? [full] : [];
  });
}

/** Every "METHOD /api/path" the app serves, read from the route files themselves. */
function servedRoutes(): string[] {
  const root = path.join(process.cwd(), "app");
  return routeFiles(path.join(root, "api")).flatMap((file) => {
    const route = "/" + path.relative(root, path.dirname(file)).split(path.sep).join("/");
    const methods = [...readFileSync(file, "utf8").matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
    return methods.map((m) => `${m} ${route}`);
  });
}

function concrete(route: string): string {
  if (route.startsWith("/api/audit/[id]")) return route.replace("[id]", "9007199254740993");
  return route.replace("[control]", "pause").replace(/\[[a-z]+\]/g, NOBODY_ID);
}

describe("permissions on every route", () => {
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const passwords = new Map<string, string>();
  const cookies = new Map<string, string | null>();

  beforeAll(async () => {
    db = await createTestDatabase("redrive_e2e");
    app = await startApp({ clusters: [{ name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] }, { DATABASE_URL: db.url });
    // The public readiness probe answers 503 until this replica's workers have started: wait for them.
    await until(() => fetch(`${app.url}/api/health/ready`).then((r) => r.status), (s) => s === 200, 60_000, 250);
    cookies.set("anonymous", null);
    cookies.set("admin", app.cookie);
    for (const role of ["viewer", "operator"] as const) {
      cookies.set(role, await sessionAs(app, role, `matrix-${role}`));
      passwords.set(role, `matrix-${role} password for tests`);
    }
    passwords.set("admin", TEST_ADMIN.password);
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it("lists every route the app serves, and nothing it does not", () => {
    const served = servedRoutes().sort();
    expect(served.length).toBeGreaterThan(20);
    expect({ missingFromMatrix: served.filter((r) => !(r in MATRIX)) }).toEqual({ missingFromMatrix: [] });
    expect({ notServed: Object.keys(MATRIX).filter((r) => !served.includes(r)) }).toEqual({ notServed: [] });
  });

  it("answers each role as the matrix says: 401 for nobody, 403 for a role below the route's, through for the rest", async () => {
    const results: string[] = [];
    const expected: string[] = [];
    for (const [route, need] of Object.entries(MATRIX)) {
      const [method, template] = route.split(" ") as [string, string];
      for (const who of ["anonymous", "viewer", "operator", "admin"] as const) {
        let cookie = cookies.get(who) ?? null;
        // Signing out ends the session it is sent with: use a fresh one.
        if (route === "POST /api/auth/sign-out" && who !== "anonymous") cookie = await signIn(app, who === "admin" ? TEST_ADMIN.name : `matrix-${who}`, passwords.get(who)!);
        const init: RequestInit = { method };
        // Bodies that cannot pass validation: whoever is let through gets 400/404, and nothing changes.
        if (method !== "GET" && method !== "DELETE") Object.assign(init, { headers: { "content-type": "application/json" }, body: "{}" });
        const res = await apiRaw(app, concrete(template), init, cookie);
        const verdict = res.status === 401 ? "unauthenticated" : res.status === 403 ? "forbidden" : "through";
        const allowed = need === "public" || (who !== "anonymous" && (need === "signed-in" || RANK[who] >= RANK[need]));
        results.push(`${route} as ${who}: ${verdict}`);
        expected.push(`${route} as ${who}: ${allowed ? "through" : who === "anonymous" ? "unauthenticated" : "forbidden"}`);
        if (verdict === "through") expect(res.status, `${route} as ${who}`).toBeLessThan(500);
      }
    }
    expect(results).toEqual(expected);
  });

  it("answers requeues elsewhere or edited only to roles holding dead-letters:redirect, and audits the refused start", async () => {
    const results: string[] = [];
    const expected: string[] = [];
    for (const { route, asks, body, need } of BODY_MATRIX) {
      const [method, url] = route.split(" ") as [string, string];
      for (const who of ["anonymous", "viewer", "operator", "admin"] as const) {
        const res = await apiRaw(app, url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, cookies.get(who) ?? null);
        const verdict = res.status === 401 ? "unauthenticated" : res.status === 403 ? "forbidden" : "through";
        const allowed = who !== "anonymous" && need !== "public" && need !== "signed-in" && RANK[who] >= RANK[need];
        results.push(`${route} with ${asks} as ${who}: ${verdict}`);
        expected.push(`${route} with ${asks} as ${who}: ${allowed ? "through" : who === "anonymous" ? "unauthenticated" : "forbidden"}`);
        if (verdict === "through") expect(res.status, `${route} with ${asks} as ${who}`).toBeLessThan(500);
        if (verdict === "forbidden" && who === "operator") expect(((await res.json()) as { error: { message: string } }).error.message).toContain('"dead-letters:redirect" permission');
      }
    }
    expect(results).toEqual(expected);
    const refused = await queryRows<{ result: string | null; detail: { reason?: string } | null }>(
      db.url,
      `SELECT o.result, o.detail FROM audit_events i JOIN audit_events o ON o.intent_id = i.id
       WHERE i.action = 'job.requeue' AND i.phase = 'intent' AND i.actor = 'matrix-operator' AND i.request ? 'destination' ORDER BY i.id`,
    );
    expect(refused.map((r) => r.result)).toEqual(["refused"]);
    expect(refused[0]!.detail?.reason).toMatch(/needs the "dead-letters:redirect" permission/);
  });

  it("refuses state-changing requests from another origin, even with a valid session", async () => {
    const body = JSON.stringify({ name: "mallory", role: "admin", password: "a long enough password" });
    const headers = { "content-type": "application/json" };
    const attempts: Array<Record<string, string>> = [{ origin: "http://evil.example" }, { origin: "null" }, { "sec-fetch-site": "cross-site", origin: app.url }];
    for (const extra of attempts) {
      const res = await apiRaw(app, "/api/users", { method: "POST", headers: { ...headers, ...extra }, body });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Refused: state-changing requests must come from Redrive's own pages/);
    }
    const users = await api<Array<{ name: string }>>(app, "/api/users");
    expect(users.map((u) => u.name)).not.toContain("mallory");
  });

  it("sends the security headers: a CSP with a fresh nonce on pages, no framing, no sniffing", async () => {
    const a = await apiRaw(app, "/consumers");
    const b = await apiRaw(app, "/consumers");
    expect(a.status).toBe(200);
    const csp = a.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(b.headers.get("content-security-policy")).not.toContain(`'nonce-${nonce}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const html = await a.text();
    // Next.js's own scripts carry the nonce, or the console would not run under the CSP.
    expect(html).toContain(`nonce="${nonce}"`);
    for (const res of [a, await apiRaw(app, "/api/consumers")]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
    expect((await apiRaw(app, "/api/consumers")).headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("lets automation in with an API token of a role, and not after it is revoked", async () => {
    const made = await api<{ id: string; token: string; prefix: string }>(app, "/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "ci-reader", role: "viewer" }) });
    expect(made.token.startsWith(made.prefix)).toBe(true);
    const bearer = { authorization: `Bearer ${made.token}` };
    expect((await apiRaw(app, "/api/consumers", { headers: bearer }, null)).status).toBe(200);
    // Prometheus scrapes with a viewer token.
    const scrape = await apiRaw(app, "/api/metrics", { headers: bearer }, null);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/^# HELP redrive_/m);
    // A token sends no cookie, so no Origin is needed; its role still decides.
    const act = await fetch(`${app.url}/api/jobs`, { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: "{}" });
    expect(act.status).toBe(403);
    const listed = await api<Array<{ id: string; name: string; prefix: string } & Record<string, unknown>>>(app, "/api/tokens");
    const row = listed.find((t) => t.id === made.id)!;
    expect(row).toMatchObject({ name: "ci-reader", prefix: made.prefix });
    expect(JSON.stringify(listed)).not.toContain(made.token);
    await api(app, `/api/tokens/${made.id}`, { method: "DELETE" });
    expect((await apiRaw(app, "/api/consumers", { headers: bearer }, null)).status).toBe(401);

    const stored = await queryRows<{ token_hash: string }>(db.url, `SELECT token_hash FROM api_tokens WHERE id = $1`, [made.id]);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]!.token_hash).not.toContain(made.token);
    const audit = await queryRows<{ action: string; phase: string; actor: string }>(db.url, `SELECT action, phase, actor FROM audit_events WHERE action LIKE 'token.%' ORDER BY id`);
    expect(audit.map((r) => `${r.action} ${r.phase} ${r.actor}`)).toEqual(["token.create intent admin", "token.create outcome admin", "token.revoke intent admin", "token.revoke outcome admin"]);
    // The accounts this file made are on record too: the first admin at start-up, then the admin's creations.
    const users = await queryRows<{ action: string; phase: string; actor: string; target: string; request: Record<string, unknown> }>(
      db.url,
      `SELECT action, phase, actor, target, request FROM audit_events WHERE action LIKE 'user.%' ORDER BY id`,
    );
    expect(users.map((r) => `${r.action} ${r.phase} ${r.actor} ${r.target}`)).toEqual([
      "user.create event redrive user:admin",
      "user.create intent admin user:matrix-viewer",
      "user.create outcome admin user:matrix-viewer",
      "user.create intent admin user:matrix-operator",
      "user.create outcome admin user:matrix-operator",
    ]);
    expect(JSON.stringify(users)).not.toContain("password for tests");
  });

  it("lets no API token make tokens or accounts, even an admin one, and names the token by id in the audit log", async () => {
    const made = await api<{ id: string; token: string }>(app, "/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "ci-admin", role: "admin" }) });
    const bearer = { authorization: `Bearer ${made.token}`, "content-type": "application/json" };
    const attempts: Array<[string, string, unknown]> = [
      ["POST", "/api/tokens", { name: "minted-by-a-token", role: "admin" }],
      ["POST", "/api/users", { name: "minted-admin", role: "admin", password: "a long enough password" }],
      ["GET", "/api/tokens", undefined],
      ["DELETE", `/api/tokens/${made.id}`, undefined],
    ];
    for (const [method, url, body] of attempts) {
      const res = await fetch(`${app.url}${url}`, { method, headers: bearer, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Refused: API tokens may not manage accounts or API tokens/);
    }
    // Its admin rights elsewhere stand: notification settings answer it.
    expect((await fetch(`${app.url}/api/notifications`, { headers: bearer })).status).toBe(200);
    const tokens = await api<Array<{ name: string; maker: { name: string } | null }>>(app, "/api/tokens");
    expect(tokens.map((t) => t.name)).not.toContain("minted-by-a-token");
    expect(tokens.find((t) => t.name === "ci-admin")?.maker?.name).toBe(TEST_ADMIN.name);
    expect((await api<Array<{ name: string }>>(app, "/api/users")).map((u) => u.name)).not.toContain("minted-admin");
    const same = await apiRaw(app, "/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "CI-Admin", role: "viewer" }) });
    expect(same.status).toBe(409);
    await fetch(`${app.url}/api/notifications/channels`, { method: "POST", headers: bearer, body: JSON.stringify({ name: "by-token", type: "webhook", url: "https://192.0.2.1/hook" }) });
    const actors = await queryRows<{ actor: string }>(db.url, `SELECT DISTINCT actor FROM audit_events WHERE action = 'notification.channel.create'`);
    expect(actors.map((r) => r.actor)).toEqual([`token:${made.id}:ci-admin`]);
  });
});
