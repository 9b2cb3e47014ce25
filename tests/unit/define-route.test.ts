import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/define-route";

const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

async function body(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe("defineRoute", () => {
  const route = defineRoute(
    {
      action: "update a thing",
      permission: "admin",
      params: z.object({ id: z.string().uuid() }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
      body: z.object({ note: z.string().max(20) }),
    },
    async ({ params, query, body, principal }) => ({ id: params.id, limit: query.limit, note: body.note, by: principal.id, big: 2n ** 63n }),
  );
  const id = "3f1c7e1a-5a3b-4c2d-9e8f-0a1b2c3d4e5f";
  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    new Request(url, { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers } });

  it("hands the handler parsed params, query and body, and wraps the result in { data }", async () => {
    const res = await route(post("http://x/api/t?limit=5", JSON.stringify({ note: "hi" })), ctx({ id }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await body(res)).toEqual({ data: { id, limit: 5, note: "hi", by: "anonymous", big: "9223372036854775808" } });
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

  it("passes a Response from the handler through untouched", async () => {
    const raw = defineRoute({ action: "export", permission: "audit:read" }, async () => new Response("a,b\n", { status: 201, headers: { "content-type": "text/csv" } }));
    const res = await raw(new Request("http://x/"), ctx());
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("a,b\n");
  });
});
