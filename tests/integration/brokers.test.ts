import http from "node:http";
import type net from "node:net";
import { connect as natsConnect } from "@nats-io/transport-node";
import { afterAll, describe, expect, it } from "vitest";
import { NatsBroker } from "@/lib/brokers/nats/nats-broker";
import { RabbitBroker } from "@/lib/brokers/rabbitmq/rabbitmq-broker";
import type { RabbitClusterConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { startNatsServer } from "../support/nats-server";
import { closedPort, TcpProxy } from "../support/tcp-proxy";

const RABBIT: RabbitClusterConfig = {
  name: "it-rabbit",
  kind: "rabbitmq",
  amqpUrl: "amqp://127.0.0.1:5672",
  managementUrl: "http://127.0.0.1:15672",
  user: "guest",
  password: "guest",
  vhosts: [],
};

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await fn();
  while (!ok(last)) {
    if (Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 200));
    last = await fn();
  }
  return last;
}

describe("NATS broker", () => {
  it("reports reachability, the server's own version and JetStream", async () => {
    const raw = await natsConnect({ servers: "nats://127.0.0.1:4222" });
    const actualVersion = raw.info?.version;
    await raw.close();

    const broker = new NatsBroker({ name: "it-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"] }, 5000);
    try {
      const p = await broker.probe();
      expect(p.reachable).toBe(true);
      expect(p.error).toBeNull();
      expect(p.serverVersion).toBe(actualVersion);
      expect(p.details.jetstream).toMatch(/^enabled \(\d+ streams, \d+ consumers\)$/);
    } finally {
      await broker.close();
    }
  });

  it("goes down when the server goes away and comes back on its own", async () => {
    const proxy = new TcpProxy(4222);
    const port = await proxy.start();
    const broker = new NatsBroker({ name: "it-nats-proxy", kind: "nats", servers: [`nats://127.0.0.1:${port}`] }, 2000);
    try {
      expect((await broker.probe()).reachable).toBe(true);
      await proxy.cut();
      const down = await until(() => broker.probe(), (p) => !p.reachable);
      expect(down.reachable).toBe(false);
      expect(down.error).toContain(`127.0.0.1:${port}`);
      await proxy.restore();
      const back = await until(() => broker.probe(), (p) => p.reachable);
      expect(back.reachable).toBe(true);
    } finally {
      await broker.close();
      await proxy.cut();
    }
  });

  it("says a server that is not there cannot be reached, naming it", async () => {
    const port = await closedPort();
    const broker = new NatsBroker({ name: "nowhere", kind: "nats", servers: [`nats://127.0.0.1:${port}`] }, 2000);
    const p = await broker.probe();
    expect(p).toMatchObject({ reachable: false, serverVersion: null });
    expect(p.error).toMatch(new RegExp(`^Cannot reach NATS at nats://127\\.0\\.0\\.1:${port}: `));
    await expect(broker.connect()).rejects.toMatchObject({ code: "BROKER_UNREACHABLE" });
  });

  it("says so when the server refuses the credentials", async () => {
    const server = await startNatsServer(["--user", "redrive", "--pass", "right-password"]);
    try {
      const wrong = new NatsBroker({ name: "auth", kind: "nats", servers: [server.url], user: "redrive", password: "wrong-password" }, 3000);
      const err = await wrong.connect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("BROKER_REFUSED");
      expect((err as AppError).message).toMatch(/refused Redrive's credentials/);
      expect((err as AppError).message).not.toContain("wrong-password");

      const right = new NatsBroker({ name: "auth", kind: "nats", servers: [server.url], user: "redrive", password: "right-password" }, 3000);
      const p = await right.probe();
      await right.close();
      expect(p.reachable).toBe(true);
      // This private server runs without -js: reachable, but not whole.
      expect(p.details.jetstream).toBe("unavailable");
      expect(p.error).toMatch(/JetStream is not available/);
    } finally {
      await server.stop();
    }
  });
});

describe("RabbitMQ broker", () => {
  const servers: http.Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it("reports reachability, the version the management API reports, and a working management API", async () => {
    const res = await fetch("http://127.0.0.1:15672/api/overview", { headers: { authorization: "Basic " + Buffer.from("guest:guest").toString("base64") } });
    const overview = (await res.json()) as { rabbitmq_version: string; management_version: string };

    const broker = new RabbitBroker(RABBIT, 5000);
    try {
      const p = await broker.probe();
      expect(p).toMatchObject({ reachable: true, error: null, serverVersion: overview.rabbitmq_version });
      expect(p.management).toEqual({ ok: true, version: overview.management_version, error: null });
    } finally {
      await broker.close();
    }
  });

  it("refuses wrong credentials with a sentence that names the user and hides the password", async () => {
    const broker = new RabbitBroker({ ...RABBIT, user: "guest", password: "not-the-password" }, 5000);
    const p = await broker.probe();
    expect(p.reachable).toBe(false);
    expect(p.error).toMatch(/refused the credentials of user "guest"/);
    expect(p.management?.ok).toBe(false);
    expect(p.management?.error).toMatch(/refused the credentials of user "guest" \(401\)/);
    expect(JSON.stringify(p)).not.toContain("not-the-password");
  });

  it("is degraded, not down, when the management API is missing", async () => {
    const port = await closedPort();
    const broker = new RabbitBroker({ ...RABBIT, managementUrl: `http://127.0.0.1:${port}` }, 3000);
    try {
      const p = await broker.probe();
      expect(p.reachable).toBe(true);
      expect(p.management?.ok).toBe(false);
      expect(p.error).toMatch(/^AMQP works, but cannot reach the RabbitMQ management API .*rabbitmq_management plugin enabled/);
    } finally {
      await broker.close();
    }
  });

  it("recognises an HTTP server that is not the management API", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404).end("no");
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const broker = new RabbitBroker({ ...RABBIT, managementUrl: `http://127.0.0.1:${port}` }, 3000);
    try {
      const p = await broker.probe();
      expect(p.management?.error).toMatch(/answered HTTP 404; is this the management port\?/);
    } finally {
      await broker.close();
    }
  });

  it("says a broker that is not there cannot be reached, and reconnects when it returns", async () => {
    const proxy = new TcpProxy(5672);
    const port = await proxy.start();
    const broker = new RabbitBroker({ ...RABBIT, amqpUrl: `amqp://127.0.0.1:${port}` }, 2000);
    try {
      expect((await broker.probe()).reachable).toBe(true);
      await proxy.cut();
      const down = await until(() => broker.probe(), (p) => !p.reachable);
      expect(down.reachable).toBe(false);
      expect(down.error).toMatch(new RegExp(`^Cannot reach RabbitMQ at amqp://127\\.0\\.0\\.1:${port}: `));
      await proxy.restore();
      const back = await until(() => broker.probe(), (p) => p.reachable);
      expect(back.reachable).toBe(true);
    } finally {
      await broker.close();
      await proxy.cut();
    }
  });
});
