// The management API, for tests to set up and inspect RabbitMQ the way an operator's tools would.
// The plain functions talk to the shared broker on 127.0.0.1:15672 and only ever read it or create
// and drop a test's own vhost; anything that stops or alarms a broker goes to a private node
// (tests/support/rabbitmq-node.ts), never to the broker a developer is using.
const SHARED_BASE = "http://127.0.0.1:15672";
const AUTH = "Basic " + Buffer.from("guest:guest").toString("base64");

export type QueueStats = { messages_ready: number; messages_unacknowledged: number; consumers: number };

export type RabbitAdmin = {
  mgmt<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** A vhost of its own, so a test's sweep sees only its queues. */
  createVhost(name: string): Promise<{ name: string; drop(): Promise<void> }>;
  queueStats(vhost: string, queue: string): Promise<QueueStats>;
  /** Resolves once the management API answers. */
  managementUp(ms?: number): Promise<void>;
};

/** The management calls of the broker whose management API is at `base`. */
export function rabbitAdmin(base: string): RabbitAdmin {
  async function mgmt<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(base + path, { method, headers: { authorization: AUTH, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok && !(method === "DELETE" && res.status === 404)) throw new Error(`${method} ${path} → HTTP ${res.status}: ${await res.text()}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    mgmt,
    async createVhost(name) {
      const v = encodeURIComponent(name);
      await mgmt("PUT", `/api/vhosts/${v}`, {});
      await mgmt("PUT", `/api/permissions/${v}/guest`, { configure: ".*", write: ".*", read: ".*" });
      return { name, drop: () => mgmt("DELETE", `/api/vhosts/${v}`).then(() => undefined) };
    },
    queueStats: (vhost, queue) => mgmt<QueueStats>("GET", `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`),
    async managementUp(ms = 120_000) {
      await until(
        () => fetch(`${base}/api/overview`, { headers: { authorization: AUTH }, signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0),
        (s) => s === 200,
        ms,
        250,
      );
    },
  };
}

const shared = rabbitAdmin(SHARED_BASE);
export const mgmt = shared.mgmt;
export const createVhost = shared.createVhost;
export const queueStats = shared.queueStats;

export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000, every = 250): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await fn();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, every));
    last = await fn();
  }
  return last;
}
