import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { isRole, principalFor } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { defineRoute, stringify } from "@/lib/http/define-route";

// Who is asking comes from the store in the app; here the x-test-role header stands for a session
// of that role ("none": nobody signed in). Everything else is the real route wrapper.
vi.mock("@/lib/auth/authenticate", () => ({
  authenticate: async (headers: Headers) => {
    const role = headers.get("x-test-role") ?? "admin";
    return isRole(role) ? principalFor("user", `test-${role}`, `test-${role}`, role) : null;
  },
}));

const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

async function body(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe("defineRoute", () => {
  const route = defineRoute(
    {
      action: "update a thing",
      permission: "dlqs:adopt",
      params: z.object({ id: z.string().uuid() }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
      body: z.object({ note: z.string().max(20) }),
    },
    async ({ params, query, body, principal }) => ({ id: params.id, limit: query.limit, note: body.note, by: principal.id, big: 2n ** 63n }),
  );
  const id = "3f1c7e1a-5a3b-4c2d-9e8f-0a1b2c3d4e5f";
  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    new Request(url, { method: "POST", body: payload, headers: { "content-type": "application/json", host: "x", origin: "http://x", ...headers } });

  it("hands the handler parsed params, query and body, and wraps the result in { data }", async () => {
    const res = await route(post("http://x/api/t?limit=5", JSON.stringify({ note: "hi" })), ctx({ id }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await body(res)).toEqual({ data: { id, limit: 5, note: "hi", by: "test-admin", big: "9223372036854775808" } });
  });

  it("answers 400 with the field and the problem for invalid input", async () => {
    const res = await route(post("http://x/api/t?limit=500", JSON.stringify({ note: "hi" })), ctx({ id: "nope" }));
    expect(res.status).toBe(400);
    const err = (await body(res)).error as { code: string; message: string; ref: string };
    expect(err.code).toBe("INVALID_INPUT");
    expect(err.message).toMatch(/^The request's path is invalid — id: /);
    expect(err.ref).toMatch(/^[0-9a-f]{8}$/);

    const q = await route(post("http://x/api/t?limit=500", JSON.stringify({ note: "hi" })), ctx({ id }));
    expect(((await body(q)).error as { message: string }).message).toMatch(/^The request's query is invalid — limit: /);
  });

  it("answers 400 for a body that is not JSON and 413 for one that is too large", async () => {
    const bad = await route(post("http://x/api/t", "{not json"), ctx({ id }));
    expect(bad.status).toBe(400);
    expect(((await body(bad)).error as { message: string }).message).toBe("The request body is not valid JSON.");

    const huge = await route(post("http://x/api/t", JSON.stringify({ note: "x".repeat(2 * 1024 * 1024) })), ctx({ id }));
    expect(huge.status).toBe(413);
  });

  it("maps an AppError to its status and an unexpected error to 500 with a reference, never a stack", async () => {
    const conflict = defineRoute({ action: "take a letter", permission: "dead-letters:act" }, async () => {
      throw new AppError("CONFLICT", "Job 7 already holds this letter.", { details: { job: 7 } });
    });
    const r1 = await conflict(new Request("http://x/"), ctx());
    expect(r1.status).toBe(409);
    expect(await body(r1)).toMatchObject({ error: { code: "CONFLICT", message: "Job 7 already holds this letter.", details: { job: 7 } } });

    const boom = defineRoute({ action: "list things", permission: "clusters:read" }, async () => {
      throw new Error("db exploded at postgres://u:pw@db/x");
    });
    const r2 = await boom(new Request("http://x/"), ctx());
    expect(r2.status).toBe(500);
    const err = (await body(r2)).error as { message: string; ref: string };
    expect(err.message).toBe(`Redrive could not list things: db exploded at postgres://u:***@db/x. The server log has the details under reference ${err.ref}.`);
  });

  it("asks who is calling before reading any input: 401 for nobody, 403 for a role without the permission", async () => {
    const nobody = await route(post("http://x/api/t?limit=500", "{not json", { "x-test-role": "none" }), ctx({ id: "nope" }));
    expect(nobody.status).toBe(401);
    expect(((await body(nobody)).error as { code: string }).code).toBe("UNAUTHENTICATED");
    for (const role of ["viewer", "operator"]) {
      const refused = await route(post("http://x/api/t", JSON.stringify({ note: "hi" }), { "x-test-role": role }), ctx({ id }));
      expect(refused.status).toBe(403);
      expect(((await body(refused)).error as { message: string }).message).toContain(`Your role (${role}) does not include the "dlqs:adopt" permission`);
    }
    const open = defineRoute({ action: "sign in", permission: "public" }, async ({ principal }) => ({ by: principal.id }));
    const anyone = await open(post("http://x/api/auth/sign-in", "{}", { "x-test-role": "none" }), ctx());
    expect(await body(anyone)).toEqual({ data: { by: "public" } });
  });

  it("refuses state-changing requests that do not come from Redrive's own pages", async () => {
    const ok = JSON.stringify({ note: "hi" });
    const cases: Array<[Record<string, string>, number]> = [
      [{ origin: "http://evil.example" }, 403],
      [{ origin: "null" }, 403],
      [{ "sec-fetch-site": "cross-site" }, 403],
      [{ "sec-fetch-site": "same-site", origin: "http://x" }, 403],
      [{ origin: "" }, 403],
      [{ "sec-fetch-site": "same-origin", origin: "http://x" }, 200],
      [{ origin: "https://x" }, 200],
    ];
    for (const [headers, status] of cases) {
      const req = post("http://x/api/t", ok, headers);
      if (headers.origin === "") req.headers.delete("origin");
      const res = await route(req, ctx({ id }));
      expect({ headers, status: res.status }).toEqual({ headers, status });
      if (status === 403) expect(((await body(res)).error as { message: string }).message).toMatch(/^Refused: state-changing requests must come from Redrive's own pages/);
    }
    // An API token is no ambient credential: automation sends no Origin and is not refused for it.
    const token = post("http://x/api/t", ok, { authorization: "Bearer rdt_x" });
    token.headers.delete("origin");
    expect((await route(token, ctx({ id }))).status).toBe(200);
    // Reads are not state-changing.
    const read = defineRoute({ action: "list things", permission: "clusters:read" }, async () => ({ ok: true }));
    expect((await read(new Request("http://x/", { headers: { origin: "http://evil.example" } }), ctx())).status).toBe(200);
  });

  it("passes a Response from the handler through untouched", async () => {
    const raw = defineRoute({ action: "export", permission: "audit:read" }, async () => new Response("a,b\n", { status: 201, headers: { "content-type": "text/csv" } }));
    const res = await raw(new Request("http://x/"), ctx());
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("a,b\n");
  });
});

describe("stringify", () => {
  it("writes a BigInt anywhere as its decimal string and everything else as JSON.stringify does", () => {
    const plain = { a: [1, "x", null, { b: new Date(0), c: undefined }], d: true };
    expect(stringify(plain)).toBe(JSON.stringify(plain));
    const big = { n: 9007199254740993n, list: [{ seq: 1n }, 2], d: new Date(0) };
    expect(stringify(big)).toBe('{"n":"9007199254740993","list":[{"seq":"1"},2],"d":"1970-01-01T00:00:00.000Z"}');
  });

  it("still refuses what JSON.stringify refuses", () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => stringify(loop)).toThrow(TypeError);
  });
});
