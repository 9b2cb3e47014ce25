// The management API, for tests to set up and inspect RabbitMQ the way an operator's tools would.
const BASE = "http://127.0.0.1:15672";
const AUTH = "Basic " + Buffer.from("guest:guest").toString("base64");

export async function mgmt<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(BASE + path, { method, headers: { authorization: AUTH, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok && !(method === "DELETE" && res.status === 404)) throw new Error(`${method} ${path} → HTTP ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A vhost of its own, so a test's sweep sees only its queues. */
export async function createVhost(name: string): Promise<{ name: string; drop(): Promise<void> }> {
  const v = encodeURIComponent(name);
  await mgmt("PUT", `/api/vhosts/${v}`, {});
  await mgmt("PUT", `/api/permissions/${v}/guest`, { configure: ".*", write: ".*", read: ".*" });
  return { name, drop: () => mgmt("DELETE", `/api/vhosts/${v}`).then(() => undefined) };
}

export type QueueStats = { messages_ready: number; messages_unacknowledged: number; consumers: number };

export function queueStats(vhost: string, queue: string): Promise<QueueStats> {
  return mgmt<QueueStats>("GET", `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`);
}

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
