// The only addresses the bench talks to: the brokers and PostgreSQL on this machine.
export const HOST = "127.0.0.1";
export const MANAGEMENT_URL = `http://${HOST}:15672`;
export const AMQP_URL = `amqp://${HOST}:5672`;
export const NATS_URL = `nats://${HOST}:4222`;
export const PG_ADMIN_URL = `postgresql://postgres@${HOST}:5432/postgres`;
export const GUEST = { user: "guest", password: "guest" };

const AUTH = "Basic " + Buffer.from(`${GUEST.user}:${GUEST.password}`).toString("base64");

/** A management API call as an operator's tool makes it; 404 on DELETE counts as done. */
export async function mgmt<T = unknown>(method: string, path: string, opts: { body?: unknown; timeoutMs?: number } = {}): Promise<T> {
  const res = await fetch(MANAGEMENT_URL + path, {
    method,
    headers: { authorization: AUTH, "content-type": "application/json" },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  if (!res.ok && !(method === "DELETE" && res.status === 404)) throw new Error(`${method} ${path} → HTTP ${res.status}: ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Whether a management API resource exists (200) or not (404). */
export async function mgmtExists(path: string): Promise<boolean> {
  const res = await fetch(MANAGEMENT_URL + path, { headers: { authorization: AUTH }, signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  if (res.status === 404) return false;
  if (!res.ok) throw new Error(`GET ${path} → HTTP ${res.status}`);
  return true;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Polls `fn` until `ok`, at most until the deadline; throws with the last value otherwise. */
export async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms: number, signal?: AbortSignal, every = 500): Promise<T> {
  const deadline = Date.now() + ms;
  for (let attempt = 0; attempt < Math.ceil(ms / every) + 1; attempt++) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms / 1000} s (last: ${JSON.stringify(v).slice(0, 200)})`);
    await sleep(every, signal);
  }
  throw new Error(`${what}: not reached within ${ms / 1000} s`);
}

export const seconds = (ms: number) => Math.round(ms) / 1000;
