import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { closedPort } from "../../support/tcp-proxy";

export type RunningApp = { url: string; logs: () => string; stop(): Promise<void> };

function spawnServer(configText: string, env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-e2e-"));
  const configPath = path.join(dir, "redrive.config.json");
  writeFileSync(configPath, configText);
  return closedPort().then((port) => {
    const child: ChildProcess = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", REDRIVE_CONFIG: configPath, REDRIVE_DATA_DIR: path.join(dir, "data"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = { text: "" };
    child.stdout?.on("data", (d: Buffer) => (out.text += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out.text += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    return { child, port, out, exited, stop };
  });
}

/** Serves the built app on a free loopback port with its own config file and store. */
export async function startApp(config: unknown, env: Record<string, string> = {}): Promise<RunningApp> {
  const { child, port, out, stop } = await spawnServer(JSON.stringify(config, null, 2), env);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the app exited with code ${child.exitCode} before serving:\n${out.text}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200 || res.status === 503) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app did not answer within 60 s:\n${out.text}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, logs: () => out.text, stop };
}

/** Starts the built server with a config that must stop it, and returns how it exited. */
export async function runAppExpectingExit(configText: string): Promise<{ code: number | null; output: string }> {
  const { out, exited, stop } = await spawnServer(configText, {});
  const timer = setTimeout(() => void stop(), 30_000);
  const code = await exited;
  clearTimeout(timer);
  await stop();
  return { code, output: out.text };
}

/** Calls one of the app's API routes and unwraps its { data } envelope, failing with the operator's sentence. */
export async function api<T>(app: RunningApp, url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(app.url + url, init);
  const body = (await res.json()) as { data?: T; error?: { message: string } };
  if (!res.ok || body.data === undefined) throw new Error(`${url}: HTTP ${res.status} ${body.error?.message ?? ""}`);
  return body.data;
}
