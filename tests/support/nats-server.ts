import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { closedPort } from "./tcp-proxy";

/**
 * A private nats-server on a free loopback port (for cases the shared server cannot show, such as
 * auth, or a restart). Pass the port of a stopped one, and its store folder, to start it again.
 */
export async function startNatsServer(args: string[] = [], fixedPort?: number): Promise<{ port: number; url: string; stop(): Promise<void> }> {
  const port = fixedPort ?? (await closedPort());
  const child: ChildProcess = spawn("/usr/sbin/nats-server", ["-a", "127.0.0.1", "-p", String(port), ...args], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nats-server did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
