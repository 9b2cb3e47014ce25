import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { rabbitAdmin, until, type RabbitAdmin } from "./rabbit-admin";

// A private RabbitMQ node for the scenarios that stop a broker or raise its memory alarm, so the
// test suite never disturbs the RabbitMQ a developer (or another test) is using: its own node name,
// AMQP, management and distribution ports, data and log folders and Erlang cookie, all under one
// temporary folder. Only epmd (port 4369) is shared, as every Erlang node on a machine shares it.
// Debian's /usr/sbin/rabbitmq* wrappers switch to the rabbitmq user and its files; the scripts
// behind them (REDRIVE_RABBITMQ_BIN, default /usr/lib/rabbitmq/bin) take everything from the
// environment, as any user.

const BIN = process.env.REDRIVE_RABBITMQ_BIN ?? "/usr/lib/rabbitmq/bin";
/** rabbitmqctl itself listens on 35672-35682 for a moment on every call (RABBITMQ_CTL_DIST_PORT_MIN/MAX): never hand those out. */
const CLI_PORTS = [35672, 35682] as const;

export type RabbitNode = RabbitAdmin & {
  /** e.g. redrive-test-1a2b3c@localhost */
  node: string;
  amqpPort: number;
  managementPort: number;
  /** Without credentials (the cluster config adds guest/guest). */
  amqpUrl: string;
  managementUrl: string;
  /** amqp://guest:guest@127.0.0.1:<port>/<vhost> */
  amqpUrlFor(vhost: string): string;
  /** rabbitmqctl -n <this node> … */
  ctl(...args: string[]): Promise<string>;
  /** Waits until the node runs RabbitMQ, takes AMQP connections and its management API answers. */
  ready(ms?: number): Promise<void>;
  /** `stop_app` for `downMs`, then `start_app`, and waits for it (the Erlang node stays up). */
  restartApp(downMs: number): Promise<void>;
  /** Stops the node and removes its folder. */
  stop(): Promise<void>;
};

async function freePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    if (!taken.has(port) && (port < CLI_PORTS[0] || port > CLI_PORTS[1])) {
      taken.add(port);
      return port;
    }
  }
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });

/** Starts a private node (about 10-20 s on a busy machine); stop it in afterAll. */
export async function startRabbitNode(label = "redrive-test"): Promise<RabbitNode> {
  if (!existsSync(path.join(BIN, "rabbitmq-server"))) throw new Error(`no RabbitMQ scripts in ${BIN}; set REDRIVE_RABBITMQ_BIN to the folder holding rabbitmq-server and rabbitmqctl`);
  const id = randomBytes(3).toString("hex");
  // -sname style: "localhost" resolves on every machine, unlike the host's own name.
  const node = `${label}-${id}@localhost`;
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-rabbit-"));
  const taken = new Set<number>();
  const amqpPort = await freePort(taken);
  const managementPort = await freePort(taken);
  const distPort = await freePort(taken);
  const home = path.join(dir, "home");
  for (const d of [home, path.join(dir, "mnesia"), path.join(dir, "log")]) mkdirSync(d, { recursive: true });
  // Its own cookie: a CLI call meant for this node cannot act on the shared one by mistake.
  writeFileSync(path.join(home, ".erlang.cookie"), randomBytes(20).toString("hex").toUpperCase());
  chmodSync(path.join(home, ".erlang.cookie"), 0o400);
  writeFileSync(
    path.join(dir, "rabbitmq.conf"),
    [
      `listeners.tcp.local = 127.0.0.1:${amqpPort}`,
      `management.tcp.ip = 127.0.0.1`,
      `management.tcp.port = ${managementPort}`,
      "loopback_users.guest = true",
      // A node for a test: no disk alarm on a nearly full /tmp.
      "disk_free_limit.absolute = 1MB",
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(dir, "enabled_plugins"), "[rabbitmq_management].\n");
  // Read instead of /etc/rabbitmq/rabbitmq-env.conf, which names the shared node.
  writeFileSync(path.join(dir, "rabbitmq-env.conf"), 'ERL_EPMD_ADDRESS=127.0.0.1\nexport ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}"\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    RABBITMQ_NODENAME: node,
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONF_ENV_FILE: path.join(dir, "rabbitmq-env.conf"),
    RABBITMQ_CONFIG_FILE: path.join(dir, "rabbitmq.conf"),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, "advanced.config"),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, "enabled_plugins"),
    RABBITMQ_MNESIA_BASE: path.join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: path.join(dir, "log"),
    RABBITMQ_PID_FILE: path.join(dir, "node.pid"),
  };
  const out = openSync(path.join(dir, "server.log"), "a");
  const child: ChildProcess = spawn(path.join(BIN, "rabbitmq-server"), [], { env, cwd: dir, stdio: ["ignore", out, out], detached: true });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const ctl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(path.join(BIN, "rabbitmqctl"), ["-n", node, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`rabbitmqctl -n ${node} ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout),
      ),
    );
  const managementUrl = `http://127.0.0.1:${managementPort}`;
  const admin = rabbitAdmin(managementUrl);
  const logTail = () => {
    try {
      return readFileSync(path.join(dir, "server.log"), "utf8").split("\n").slice(-15).join("\n");
    } catch {
      return "";
    }
  };
  const ready = async (ms = 120_000) => {
    const deadline = Date.now() + ms;
    // Polling HTTP and TCP costs nothing; each rabbitmqctl call costs a second of CPU.
    await until(
      async () => child.exitCode !== null || ((await portOpen(amqpPort)) && (await portOpen(managementPort))),
      Boolean,
      ms,
      250,
    );
    if (child.exitCode !== null) throw new Error(`RabbitMQ node ${node} exited (${child.exitCode}) while starting:\n${logTail()}`);
    await ctl("await_startup", "--timeout", String(Math.max(10, Math.round((deadline - Date.now()) / 1000))));
    await admin.managementUp(Math.max(10_000, deadline - Date.now()));
  };
  const kill = () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };

  try {
    await ready();
  } catch (e) {
    kill();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    ...admin,
    node,
    amqpPort,
    managementPort,
    amqpUrl: `amqp://127.0.0.1:${amqpPort}`,
    managementUrl,
    amqpUrlFor: (vhost) => `amqp://guest:guest@127.0.0.1:${amqpPort}/${encodeURIComponent(vhost)}`,
    ctl,
    ready,
    async restartApp(downMs) {
      await ctl("stop_app");
      try {
        await new Promise((r) => setTimeout(r, downMs));
      } finally {
        await ctl("start_app");
        await ready();
      }
    },
    async stop() {
      if (child.exitCode === null) {
        await ctl("stop").catch(() => kill());
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        kill();
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
