import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { path: string; body: unknown; at: number; host: string | undefined };

/**
 * A local webhook receiver for notification tests. Paths: /hang never answers; /flaky answers 500
 * the first time and 200 after; /fail always 500; anything else 200.
 */
export async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const open = new Set<ServerResponse>();
  let flaky = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      const path = req.url ?? "/";
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      received.push({ path, body, at: Date.now(), host: req.headers.host });
      if (path === "/hang") {
        open.add(res);
        res.on("close", () => open.delete(res));
        return;
      }
      const fail = path === "/fail" || (path === "/flaky" && flaky++ === 0);
      res.writeHead(fail ? 500 : 200, { "content-type": "text/plain" });
      res.end(fail ? "receiver says no" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of open) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
