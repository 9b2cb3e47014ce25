import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { RefusalSampler } from "@/lib/audit/refusal-sampler";
import { checkOrigin } from "@/lib/auth/check-origin";
import { limitReached } from "@/lib/auth/count-failures";
import { isRole, principalFor } from "@/lib/auth/permissions";
import { clientAddress } from "@/lib/auth/request-info";
import { bigintId } from "@/lib/http/bigint-id";
import { defineRoute } from "@/lib/http/define-route";
import { readBody } from "@/lib/http/read-body";

// The edges an attacker probes, where the logic is pure: body size while streaming, NUL bytes,
// ids past bigint, which address a request is counted under, which origins may change state, how
// many refusals reach the audit log, and which sign-in limit applies.

vi.mock("@/lib/auth/authenticate", () => ({
  authenticate: async (headers: Headers) => {
    const role = headers.get("x-test-role") ?? "admin";
    return isRole(role) ? principalFor("user", `test-${role}`, `test-${role}`, role) : null;
  },
}));

const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

/** A body of `total` bytes made as it is read, counting what was pulled from it. */
function lazyBody(total: number, chunk = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const block = new Uint8Array(chunk).fill(0x61);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += chunk;
        controller.enqueue(block);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => sent };
}

describe("request bodies", () => {
  it("stop being read at the limit when no length is declared (a chunked body), and answer 413 with Connection: close", async () => {
    const body = lazyBody(64 * 1024 * 1024);
    const request = new Request("http://x/api/auth/sign-in", { method: "POST", body: body.stream, duplex: "half", headers: { "content-type": "application/json", host: "x", origin: "http://x" } } as RequestInit);
    const route = defineRoute({ action: "sign in", permission: "public", body: z.object({ name: z.string() }) }, async () => ({ ok: true }));
    const res = await route(request, ctx());
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^The request body is larger than 1024 KiB/);
    // Read up to the limit and one chunk more, not the 64 MiB.
    expect(body.pulled()).toBeLessThanOrEqual(1024 * 1024 + 2 * 64 * 1024);
  });

  it("are read whole up to the limit", async () => {
    const body = lazyBody(1024 * 1024);
    const text = await readBody(new Request("http://x/", { method: "POST", body: body.stream, duplex: "half" } as RequestInit));
    expect(text.length).toBe(1024 * 1024);
  });
});

describe("input with a NUL byte or an id past bigint", () => {
  const route = defineRoute(
    { action: "list things", permission: "public", params: z.object({ id: bigintId("must be an audit entry number") }), query: z.object({ q: z.string().optional() }), body: z.object({ name: z.string(), tags: z.array(z.string()).optional() }) },
    async () => ({ ok: true }),
  );
  const call = (id: string, query: string, payload: unknown) =>
    route(new Request(`http://x/api/t?${query}`, { method: "POST", body: JSON.stringify(payload), headers: { "content-type": "application/json", host: "x", origin: "http://x" } }), ctx({ id }));
  const message = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  it("is refused with 400 and a sentence naming the field, wherever the NUL is", async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ["1", "q=a%00b", { name: "x" }, /^The request's query is invalid — q: holds a NUL character/],
      ["1", "", { name: "adm\u0000in" }, /^The request's body is invalid — name: holds a NUL character/],
      ["1", "", { name: "x", tags: ["ok", "b\u0000d"] }, /^The request's body is invalid — tags\.1: holds a NUL character/],
      ["1", "", { name: "x", ["k\u0000"]: 1 }, /^The request's body is invalid — k\\u0000: holds a NUL character/],
      ["1\u00002", "", { name: "x" }, /^The request's path is invalid — id: holds a NUL character/],
    ];
    for (const [id, query, payload, expected] of cases) {
      const res = await call(id, query, payload);
      expect(res.status, String(expected)).toBe(400);
      const err = await message(res);
      expect(err.code).toBe("INVALID_INPUT");
      expect(err.message).toMatch(expected);
    }
    expect((await call("1", "q=fine", { name: "x" })).status).toBe(200);
  });

  it("refuses ids past PostgreSQL's bigint with 400", async () => {
    expect((await call("9223372036854775807", "", { name: "x" })).status).toBe(200);
    for (const id of ["9223372036854775808", "9999999999999999999"]) {
      const res = await call(id, "", { name: "x" });
      expect(res.status).toBe(400);
      expect((await message(res)).message).toMatch(/^The request's path is invalid — id: must be an audit entry number/);
    }
  });
});

describe("the client's address", () => {
  const PEER = "x-redrive-peer-00112233445566778899aabbccddeeff";
  const h = (o: Record<string, string>) => new Headers(o);

  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    const rules = { peerHeader: PEER, trustProxy: false };
    expect(clientAddress(h({ [PEER]: "198.51.100.7", "x-forwarded-for": "203.0.113.9" }), rules)).toBe("198.51.100.7");
    expect(clientAddress(h({ [PEER]: "198.51.100.7", "x-forwarded-for": "1.1.1.1, 2.2.2.2" }), rules)).toBe("198.51.100.7");
    expect(clientAddress(h({ [PEER]: "198.51.100.7" }), rules)).toBe("198.51.100.7");
  });

  it("behind a trusted proxy is the last X-Forwarded-For entry (what the proxy saw), never a client-written one further left", () => {
    const rules = { peerHeader: PEER, trustProxy: true };
    expect(clientAddress(h({ [PEER]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 198.51.100.7" }), rules)).toBe("198.51.100.7");
    expect(clientAddress(h({ [PEER]: "10.0.0.2" }), rules)).toBe("10.0.0.2");
  });

  it("without server.mjs falls back to the last X-Forwarded-For entry (Next.js's socket address when the client sent none)", () => {
    expect(clientAddress(h({ "x-forwarded-for": "127.0.0.1" }), { peerHeader: null, trustProxy: false })).toBe("127.0.0.1");
    expect(clientAddress(h({}), { peerHeader: null, trustProxy: false })).toBeNull();
  });
});

describe("origins that may change state", () => {
  const post = (headers: Record<string, string>) => new Request("http://redrive.internal:3000/api/auth/sign-in", { method: "POST", headers });
  const outcome = (request: Request, rules: Parameters<typeof checkOrigin>[1]) => {
    try {
      checkOrigin(request, rules);
      return "allowed";
    } catch (e) {
      return (e as Error).message;
    }
  };

  it("with publicUrl configured: only its origin and auth.allowedOrigins, whatever Host a DNS-rebinding page sends", () => {
    const rules = { publicOrigin: "https://redrive.example.com", allowedOrigins: ["https://proxy.example.com"] };
    const rebinding = post({ host: "evil.example:3000", origin: "http://evil.example:3000", "sec-fetch-site": "same-origin" });
    expect(outcome(rebinding, rules)).toMatch(/^Refused: .* it came from http:\/\/evil\.example:3000/);
    expect(outcome(post({ host: "evil.example:3000", "sec-fetch-site": "same-origin" }), rules)).toMatch(/names no Origin/);
    expect(outcome(post({ host: "redrive.example.com", origin: "https://redrive.example.com", "sec-fetch-site": "same-origin" }), rules)).toBe("allowed");
    expect(outcome(post({ host: "10.0.0.5:3000", origin: "https://proxy.example.com" }), rules)).toBe("allowed");
  });

  it("without publicUrl: the Host it was sent to stands in (the documented fallback)", () => {
    const rules = { publicOrigin: null, allowedOrigins: [] };
    expect(outcome(post({ host: "evil.example:3000", origin: "http://evil.example:3000" }), rules)).toBe("allowed");
    expect(outcome(post({ host: "redrive.internal:3000", origin: "http://elsewhere.example" }), rules)).toMatch(/^Refused/);
  });
});

describe("refused requests in the audit log", () => {
  it("are written in full only up to a bound per kind and in total each minute; the rest are counted in one summary", () => {
    const sampler = new RefusalSampler({ perKey: 5, total: 30, windowMs: 60_000, maxKeys: 200 });
    const t0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);
    let written = 0;
    for (let i = 0; i < 10_000; i++) if (sampler.note("list consumers|UNAUTHENTICATED", t0 + i).write) written++;
    expect(written).toBe(5);
    // Many kinds (a scan of every route): the total holds.
    for (let k = 0; k < 1000; k++) for (let i = 0; i < 3; i++) if (sampler.note(`route ${k}|FORBIDDEN`, t0 + 20_000).write) written++;
    expect(written).toBe(30);
    const next = sampler.note("list consumers|UNAUTHENTICATED", t0 + 60_000);
    expect(next.write).toBe(true);
    expect(next.summary?.written).toBe(30);
    expect(next.summary?.windowStart.getTime()).toBe(t0);
    const dropped = Object.values(next.summary?.dropped ?? {}).reduce((a, b) => a + b, 0);
    expect(dropped).toBe(10_000 + 3000 - 30);
    // The keys kept are bounded too: the rest are "(other)".
    expect(Object.keys(next.summary?.dropped ?? {}).length).toBeLessThanOrEqual(201);
    // A quiet minute leaves no summary.
    expect(sampler.roll(t0 + 180_000)).toBeNull();
  });
});

describe("sign-in limits", () => {
  const limits = { signInFailuresPerAccount: 5, signInFailuresPerAddress: 20, signInFailuresTotal: 100, signInWindowMs: 900_000 };
  it("apply per account, per address and to everyone together", () => {
    expect(limitReached({ account: 4, address: 19, total: 99 }, limits)).toBeNull();
    expect(limitReached({ account: 5, address: 0, total: 5 }, limits)).toBe("account");
    expect(limitReached({ account: 0, address: 20, total: 20 }, limits)).toBe("address");
    // Many addresses, many accounts, each under its own limit.
    expect(limitReached({ account: 1, address: 1, total: 100 }, limits)).toBe("total");
  });
});
