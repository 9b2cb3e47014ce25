import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";

// Servers that answer the way a broken or hostile peer does, on free loopback ports: nothing at
// all, random bytes, or HTTP that is slow or not what the client expects.

export type BadServer = { port: number; url(scheme: string): string; close(): Promise<void> };

function listen(server: net.Server, sockets: Set<net.Socket>): Promise<BadServer> {
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        url: (scheme) => `${scheme}://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    }),
  );
}

/** Accepts connections and never says a word. */
export function silentServer(): Promise<BadServer> {
  return listen(net.createServer(() => undefined), new Set());
}

/** Answers every connection, and everything sent to it, with random bytes. */
export function garbageServer(): Promise<BadServer> {
  return listen(
    net.createServer((s) => {
      s.write(randomBytes(512));
      s.on("data", () => s.writable && s.write(randomBytes(256)));
    }),
    new Set(),
  );
}

/** An HTTP server answering every request with `status`, `body` and `contentType`, after `delayMs`. */
export function httpServer(opts: { status: number; body: string; contentType: string; delayMs?: number }): Promise<BadServer> {
  const server = http.createServer((req, res) => {
    const t = setTimeout(() => {
      res.writeHead(opts.status, { "content-type": opts.contentType });
      res.end(opts.body);
    }, opts.delayMs ?? 0);
    req.on("close", () => clearTimeout(t));
  });
  return listen(server, new Set());
}
