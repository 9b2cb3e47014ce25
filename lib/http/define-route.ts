import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Authenticated } from "@/lib/auth/authenticate";
import { authorize } from "@/lib/auth/authorize";
import { checkOrigin } from "@/lib/auth/check-origin";
import { principalFor, type Permission } from "@/lib/auth/permissions";
import { clientAddress } from "@/lib/auth/request-info";
import { AppError, describeError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";

// Every app/api handler is built here: refuse state-changing requests from other origins, authorize
// a named permission (before reading any input, so nobody learns anything unauthenticated), parse
// params, query and body with zod, call the handler, and map any failure to one JSON envelope with a sentence for
// the operator: { error: { code, message, details?, ref } }. Success is { data }.

const MAX_BODY_BYTES = 1024 * 1024;
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
      checkOrigin(request);
      const principal = spec.permission === "public" || spec.open?.() ? PUBLIC : await authorize(request, spec.permission);
      const params = parse("path", spec.params, await context.params);
      const query = parse("query", spec.query, Object.fromEntries(new URL(request.url).searchParams));
      const body = spec.body ? parse("body", spec.body, await readJson(request)) : undefined;
      const address = clientAddress(request.headers);
      const result = await handler({ params, query, body, principal, address, request, ref } as RouteInput<Out<P>, Out<Q>, Out<B>>);
      if (result instanceof Response) return result;
      return json({ data: result }, 200);
    } catch (e) {
      return errorResponse(e, spec.action, ref);
    }
  };
}

function parse<S extends Schema | undefined>(where: string, schema: S, value: unknown): Out<S> {
  if (!schema) return undefined as Out<S>;
  const r = schema.safeParse(value);
  if (r.success) return r.data as Out<S>;
  const fields = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : where}: ${i.message}`);
  throw new AppError("INVALID_INPUT", `The request's ${where} is invalid — ${fields.join("; ")}.`, { details: r.error.issues });
}

async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("INVALID_INPUT", "The request body is not valid JSON.", { cause: e });
  }
}

export function json(payload: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(payload, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

export function errorResponse(e: unknown, action: string, ref: string): Response {
  if (isAppError(e)) {
    if (e.status >= 500) log.error(`${action} failed`, { ref, code: e.code, error: e });
    const body: { code: string; message: string; ref: string; details?: unknown } = { code: e.code, message: e.message, ref };
    if (e.details !== undefined) body.details = e.details;
    const retry = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return json({ error: body }, e.status, typeof retry === "number" ? { "retry-after": String(retry) } : {});
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
