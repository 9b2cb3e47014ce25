import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsNames, rabbitNames } from "../../scripts/demo/names";
import { recordObservation } from "../support/accounting";
import { startNatsServer } from "../support/nats-server";
import { until } from "../support/rabbit-admin";
import { startRabbitNode, type RabbitNode } from "../support/rabbitmq-node";

// `npm run demo` against a private RabbitMQ node and a private nats-server, each restarted under it:
// the demo keeps running, connects again and goes on producing.

const ROOT = path.resolve(import.meta.dirname, "../..");
const PREFIX = "restart-";
const rq = rabbitNames(PREFIX);
const nn = natsNames(PREFIX);

describe("lifecycle: npm run demo through broker restarts", () => {
  let rabbit: RabbitNode;
  let nats: Awaited<ReturnType<typeof startNatsServer>>;
  let dir: string;
  let demo: ChildProcess;
  let out = "";

  const ordersPublished = async () =>
    rabbit.mgmt<{ message_stats?: { publish?: number } }>("GET", `/api/queues/%2F/${encodeURIComponent(rq.orders)}?columns=message_stats.publish`).then(
      (q) => q.message_stats?.publish ?? 0,
      () => -1,
    );
  const ordersLastSeq = async () => {
    const nc = await connect({ servers: nats.url, reconnect: false, timeout: 2000 });
    try {
      const jsm = await jetstreamManager(nc);
      return (await jsm.streams.info(nn.orders.stream)).state.last_seq;
    } finally {
      await nc.close();
    }
  };
  const natsArgs = () => ["-js", "-sd", path.join(dir, "nats")];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "redrive-demo-restart-"));
    rabbit = await startRabbitNode();
    nats = await startNatsServer(natsArgs());
    const config = path.join(dir, "redrive.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        clusters: [
          { name: "private-nats", kind: "nats", servers: [nats.url] },
          { name: "private-rabbitmq", kind: "rabbitmq", amqpUrl: `amqp://guest:guest@127.0.0.1:${rabbit.amqpPort}`, managementUrl: rabbit.managementUrl },
        ],
      }),
    );
    // What `npm run demo` runs, without npm in between to pass the Ctrl-C on.
    demo = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/demo/index.ts", "--prefix", PREFIX, "--rate-scale", "2"], { cwd: ROOT, env: { ...process.env, REDRIVE_CONFIG: config }, stdio: ["ignore", "pipe", "pipe"] });
    demo.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    demo.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  });

  afterAll(async () => {
    if (demo?.exitCode === null) demo.kill("SIGKILL");
    await nats?.stop();
    await rabbit?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps running through a RabbitMQ restart and a NATS restart, and produces again after each", async () => {
    const t0 = Date.now();
    await until(async () => out, (o) => (o.includes("rabbitmq: RabbitMQ") && o.includes("nats: NATS")) || demo.exitCode !== null, 60_000, 200);
    expect(demo.exitCode, out).toBeNull();
    await until(ordersPublished, (n) => n > 0, 30_000, 500);
    const natsBefore = await until(ordersLastSeq, (n) => n > 0, 30_000, 500);

    // RabbitMQ: the application stops for 3 s (every connection dropped) and starts again; its
    // counters start again from zero, so anything published now was published after the restart.
    await rabbit.restartApp(3000);
    await until(async () => out, (o) => /rabbitmq: connected again/.test(o) || demo.exitCode !== null, 30_000, 200);
    expect(demo.exitCode, out).toBeNull();
    const afterRabbit = await until(ordersPublished, (n) => n > 0, 30_000, 500);

    // NATS: the server process stops and a new one starts on the same port and store.
    await nats.stop();
    await new Promise((r) => setTimeout(r, 3000));
    nats = await startNatsServer(natsArgs(), nats.port);
    await until(async () => out, (o) => /nats: reconnected/.test(o) || demo.exitCode !== null, 30_000, 200);
    expect(demo.exitCode, out).toBeNull();
    const natsAfter = await until(ordersLastSeq, (n) => n > natsBefore + 5, 30_000, 500);

    // Still running, and a Ctrl-C ends it as usual: summary, exit 0.
    const exited = new Promise<number | null>((resolve) => demo.once("exit", (code) => resolve(code)));
    demo.kill("SIGINT");
    const code = await exited;
    recordObservation(
      "npm run demo through a RabbitMQ and a NATS restart",
      "`npm run demo` against a private RabbitMQ node (stop_app for 3 s) and a private nats-server (stopped for 3 s, started again on its port and store): it connects again to each and produces again; Ctrl-C still ends it with its summary.",
      [
        `RabbitMQ: ${afterRabbit} orders published after the restart; NATS: stream ${nn.orders.stream} from seq ${natsBefore} to ${natsAfter}`,
        ...out.split("\n").filter((l) => /connected again|reconnected to|lost \(|disconnected from|publishes failing|publishing again/.test(l)).slice(0, 8).map((l) => `the demo said: ${l.trim()}`),
      ],
      t0,
    );
    expect(code, out).toBe(0);
    expect(out).toMatch(/redrive demo stopped after \d+s \(SIGINT\)/);
    expect(out).toMatch(/rabbitmq: published \d+ \(\d+ lost in 1 reconnect\)/);
  }, 240_000);
});
