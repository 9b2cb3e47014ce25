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

/** rabbitmqctl on the local node (the shared one: keep what it changes short, and undo it). */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { execFile } = await import("node:child_process");
  return new Promise((resolve, reject) =>
    execFile("rabbitmqctl", args, { timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`rabbitmqctl ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout))),
  );
}

/** Waits until RabbitMQ takes AMQP connections and its management API answers. */
export async function rabbitReady(ms = 120_000): Promise<void> {
  await rabbitmqctl("await_startup", "--timeout", String(Math.round(ms / 1000)));
  await until(
    () => fetch(`${BASE}/api/overview`, { headers: { authorization: AUTH } }).then((r) => r.status, () => 0),
    (s) => s === 200,
    ms,
    500,
  );
}

/** Stops the RabbitMQ application (the Erlang node stays up) for `downMs`, then starts it again and waits for it. */
export async function restartRabbitApp(downMs: number): Promise<void> {
  await rabbitmqctl("stop_app");
  try {
    await new Promise((r) => setTimeout(r, downMs));
  } finally {
    await rabbitmqctl("start_app");
    await rabbitReady();
  }
}
