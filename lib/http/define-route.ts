import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Authenticated } from "@/lib/auth/authenticate";
import { authorize } from "@/lib/auth/authorize";
import { checkOrigin } from "@/lib/auth/check-origin";
import { recordRefusal } from "@/lib/audit/record-refusal";
import { principalFor, type Permission } from "@/lib/auth/permissions";
import { clientAddress } from "@/lib/auth/request-info";
import { AppError, describeError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { readBody } from "./read-body";

// Every app/api handler is built here: refuse state-changing requests from other origins, authorize
// a named permission (before reading any input, so nobody learns anything unauthenticated), parse
// params, query and body with zod, call the handler, and map any failure to one JSON envelope with a sentence for
// the operator: { error: { code, message, details?, ref } }. Success is { data }. Refusals (401/403)
// are audited at a bounded rate (lib/audit/record-refusal.ts); a NUL character anywhere in the
// input is refused here, since PostgreSQL cannot store or compare it in text.
const STORE_TROUBLE = /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|too many clients already|Can't reach database server/i;
const PUBLIC = principalFor("system", "public", "public", "viewer");

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType<infer T> ? T : undefined;

export type RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> = {
  /** What the route does, in words for logs and error messages ("list clusters"). */
  action: string;
  /** The permission the caller must hold; "signed-in": anyone signed in; "public": no one need be (sign-in itself). */
  permission: Permission | "signed-in" | "public";
  /** When this returns true the route answers without asking who is calling (an endpoint the config opens, such as metrics). */
  open?: () => boolean;
  params?: P;
  query?: Q;
  body?: B;
};

export type RouteInput<P, Q, B> = {
  params: P;
  query: Q;
  body: B;
  principal: Authenticated;
  /** The caller's address, for the audit log (see lib/auth/request-info.ts). */
  address: string | null;
  request: Request;
  ref: string;
};
type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

export function defineRoute<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>,
): (request: Request, context: RouteContext) => Promise<Response> {
  return async (request, context) => {
    const ref = randomUUID().slice(0, 8);
    try {
      const address = clientAddress(request.headers);
      let principal: Authenticated;
      try {
        checkOrigin(request);
        principal = spec.permission === "public" || spec.open?.() ? PUBLIC : await authorize(request, spec.permission);
      } catch (e) {
        if (isAppError(e) && (e.code === "UNAUTHENTICATED" || e.code === "FORBIDDEN")) await auditRefusal(spec.action, request, address, e);
        throw e;
      }
      const params = parse("path", spec.params, await context.params);
      const query = parse("query", spec.query, Object.fromEntries(new URL(request.url).searchParams));
      const body = spec.body ? parse("body", spec.body, await readJson(request)) : undefined;
      const result = await handler({ params, query, body, principal, address, request, ref } as RouteInput<Out<P>, Out<Q>, Out<B>>);
      if (result instanceof Response) return result;
      return json({ data: result }, 200);
    } catch (e) {
      return errorResponse(e, spec.action, ref);
    }
  };
}

/**
 * "—", made at run time: the server build copies this module into one chunk per route, and a single
 * character past U+00FF in a chunk's source makes V8 hold all of it at two bytes a character (15
 * copies of 254 KB). The compiler writes an escape or a literal back as the character itself.
 */
const DASH = String.fromCharCode(0x2014);

function parse<S extends Schema | undefined>(where: string, schema: S, value: unknown): Out<S> {
  if (!schema) return undefined as Out<S>;
  const nul = whereNul(value, []);
  if (nul) throw new AppError("INVALID_INPUT", `The request's ${where} is invalid ${DASH} ${nul.length ? nul.join(".") : where}: holds a NUL character (\\u0000), which Redrive does not accept.`);
  const r = schema.safeParse(value);
  if (r.success) return r.data as Out<S>;
  const fields = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : where}: ${i.message}`);
  throw new AppError("INVALID_INPUT", `The request's ${where} is invalid ${DASH} ${fields.join("; ")}.`, { details: r.error.issues });
}

/** The path of the first string or key holding U+0000, or null. */
function whereNul(value: unknown, path: string[]): string[] | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = whereNul(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) return [...path, JSON.stringify(k).slice(1, -1)];
      const found = whereNul(v, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

/** One row per refused request while under the bounds; counted in the minute's summary beyond them. */
function auditRefusal(action: string, request: Request, address: string | null, e: AppError): Promise<void> {
  const url = new URL(request.url);
  const actor = (e.cause as { principal?: unknown } | undefined)?.principal;
  return recordRefusal(`${action}|${e.code}`, {
    actor: typeof actor === "string" ? actor : "anonymous",
    address,
    action: "auth.refused",
    target: `route:${request.method} ${url.pathname.slice(0, 200)}`,
    request: { method: request.method, path: url.pathname.slice(0, 200) },
    result: e.code === "UNAUTHENTICATED" ? "unauthenticated" : "forbidden",
    detail: { route: action, reason: e.message.slice(0, 300) },
  });
}

async function readJson(request: Request): Promise<unknown> {
  const text = await readBody(request);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("INVALID_INPUT", "The request body is not valid JSON.", { cause: e });
  }
}

export function json(payload: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(stringify(payload), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

const bigintAsString = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/**
 * JSON with any BigInt as its decimal string. A replacer makes V8 leave its fast path for every
 * value of every answer, so it is used only when a BigInt is there (JSON.stringify throws a
 * TypeError on one): the text is the same either way, and big lists cost a fraction of the time.
 */
export function stringify(payload: unknown): string {
  try {
    return JSON.stringify(payload);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(payload, bigintAsString);
  }
}

export function errorResponse(e: unknown, action: string, ref: string): Response {
  if (isAppError(e)) {
    if (e.status >= 500) log.error(`${action} failed`, { ref, code: e.code, error: e });
    const body: { code: string; message: string; ref: string; details?: unknown } = { code: e.code, message: e.message, ref };
    if (e.details !== undefined) body.details = e.details;
    const retry = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    const headers: Record<string, string> = typeof retry === "number" ? { "retry-after": String(retry) } : {};
    // The rest of an oversized body is not read: the connection closes after this answer.
    if (e.code === "PAYLOAD_TOO_LARGE") headers.connection = "close";
    return json({ error: body }, e.status, headers);
  }
  // The store's pool had no connection to give in time (many requests at once), or the store is away.
  if (STORE_TROUBLE.test(describeError(e))) {
    log.warn(`${action}: the store did not answer`, { ref, error: e });
    return json({ error: { code: "STORE_UNAVAILABLE", message: `Redrive's store is busy or unreachable and could not ${action} in time (${describeError(e)}). Try again in a moment.`, ref } }, 503);
  }
  log.error(`${action} failed unexpectedly`, { ref, error: e });
  return json(
    { error: { code: "INTERNAL", message: `Redrive could not ${action}: ${describeError(e)}. The server log has the details under reference ${ref}.`, ref } },
    500,
  );
}
