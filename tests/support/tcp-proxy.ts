import net from "node:net";

/**
 * A TCP proxy on a free loopback port, to cut a client off from a real broker (or PostgreSQL) and
 * restore it, or to hold back or delay what the server sends: a stalled proxy still carries the
 * client's bytes to the server (a publish lands) while the server's answers (the confirm) wait.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly links = new Set<{ client: net.Socket; upstream: net.Socket; held: Buffer[] }>();
  private stalled = false;
  private delayMs = 0;
  /** Server chunks per connection passed on undelayed before `delayMs` applies (a protocol handshake). */
  private delaySkip = 0;
  /** Bytes carried server → client, to see that something (a confirm) is waiting. */
  heldBytes = 0;
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = "127.0.0.1",
  ) {}

  async start(port = 0): Promise<number> {
    if (this.server) return this.port;
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      const link = { client, upstream, held: [] as Buffer[] };
      this.links.add(link);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream);
      // Server → client goes by hand, so it can be held back or delayed; order is kept.
      let lastAt = 0;
      let chunks = 0;
      upstream.on("data", (chunk: Buffer) => {
        chunks++;
        if (this.stalled) {
          link.held.push(chunk);
          this.heldBytes += chunk.length;
          return;
        }
        if ((this.delayMs <= 0 || chunks <= this.delaySkip) && lastAt <= Date.now()) {
          client.write(chunk);
          return;
        }
        const at = Math.max(Date.now() + this.delayMs, lastAt);
        lastAt = at;
        setTimeout(() => client.destroyed || client.write(chunk), at - Date.now());
      });
      client.on("close", () => {
        upstream.destroy();
        this.links.delete(link);
      });
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Stops listening and drops every open connection, as a broker that died would. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.links.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async restore(): Promise<void> {
    this.stalled = false;
    this.delayMs = 0;
    await this.start(this.port);
  }

  /** Holds back everything the server sends (confirms, replies) until `release()` or `cut()`. */
  stall(): void {
    this.stalled = true;
  }

  /** Passes on what was held back, and everything after it. */
  release(): void {
    this.stalled = false;
    for (const l of this.links) for (const chunk of l.held.splice(0)) l.client.write(chunk);
  }

  /** Delays what the server sends by `ms` (0: none), after its first `skipChunks` chunks on each connection. */
  delay(ms: number, skipChunks = 0): void {
    this.delayMs = ms;
    this.delaySkip = skipChunks;
  }
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
