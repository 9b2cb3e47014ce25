import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildEnv, type BuildOptions } from "../../support/ensure-build";
import { closedPort } from "../../support/tcp-proxy";

export type RunningApp = {
  /** Where the app is reached: its own address, or the proxy's in front of it, with the base path ("http://127.0.0.1:8080/redrive"). */
  url: string;
  logs: () => string;
  stop(): Promise<void>;
  /** The server process's id (to read its memory from /proc). */
  pid: number;
  /** The admin's session cookie ("redrive_session=…"), or null when the app was started without a first admin. */
  cookie: string | null;
};

/** The first admin every test app starts with (REDRIVE_ADMIN_PASSWORD), unless a test asks for none. */
export const TEST_ADMIN = { name: "admin", password: "correct horse battery staple" };

/** How a test app is served: on which port, from which build, and where clients reach it. */
export type ServeOptions = {
  /** The port server.mjs listens on; a free one by default. */
  port?: number;
  /** A build other than the root one in .next (tests/support/ensure-build.ts). */
  build?: BuildOptions;
  /** Where clients reach the app when a proxy stands in front (origin and base path); the app's own address by default. */
  url?: string;
};

function spawnServer(configText: string | ((url: string) => string), env: Record<string, string>, serve: ServeOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-e2e-"));
  const configPath = path.join(dir, "redrive.config.json");
  return (serve.port !== undefined ? Promise.resolve(serve.port) : closedPort()).then((port) => {
    writeFileSync(configPath, typeof configText === "function" ? configText(serve.url ?? `http://127.0.0.1:${port}${serve.build?.basePath ?? ""}`) : configText);
    const child: ChildProcess = spawn(process.execPath, ["server.mjs", "-p", String(port), "-H", "127.0.0.1"], {
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", REDRIVE_CONFIG: configPath, REDRIVE_DATA_DIR: path.join(dir, "data"), ...buildEnv(serve.build), ...env },
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

/**
 * Serves the built app as `npm start` does (server.mjs) on a free loopback port with its own config file and store, with a first
 * admin (TEST_ADMIN) signed in: `api()`, `apiRaw()` and `newAppPage()` act as that admin. Pass
 * `REDRIVE_ADMIN_PASSWORD: ""` in env for an app with no account (first-start setup link). The
 * config may be a function of the app's own URL (for publicUrl).
 */
export async function startApp(config: unknown, env: Record<string, string> = {}, serve: ServeOptions = {}): Promise<RunningApp> {
  const text = typeof config === "function" ? (url: string) => JSON.stringify((config as (url: string) => unknown)(url), null, 2) : JSON.stringify(config, null, 2);
  const { child, port, out, stop } = await spawnServer(text, { REDRIVE_ADMIN_PASSWORD: TEST_ADMIN.password, ...env }, serve);
  const url = serve.url ?? `http://127.0.0.1:${port}${serve.build?.basePath ?? ""}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the app exited with code ${child.exitCode} before serving:\n${out.text}`);
    }
    try {
      const res = await fetch(`${url}/api/health/live`);
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
  const app: RunningApp = { url, logs: () => out.text, stop, pid: child.pid ?? -1, cookie: null };
  if (env.REDRIVE_ADMIN_PASSWORD !== "") {
    try {
      app.cookie = await signIn(app, TEST_ADMIN.name, TEST_ADMIN.password);
    } catch (e) {
      await stop();
      throw e;
    }
  }
  return app;
}

/** Signs in through the API and returns the session cookie ("redrive_session=…"). */
export async function signIn(app: Pick<RunningApp, "url">, name: string, password: string): Promise<string> {
  const res = await fetch(`${app.url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json", origin: new URL(app.url).origin }, body: JSON.stringify({ name, password }) });
  if (res.status !== 200) throw new Error(`sign-in as ${name}: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (!cookie?.startsWith("redrive_session=")) throw new Error(`sign-in as ${name} set no session cookie`);
  return cookie;
}

/** Creates an account with the role (as the admin) and returns its session cookie. */
export async function sessionAs(app: RunningApp, role: "viewer" | "operator" | "admin", name = `${role}-${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
  const password = `${name} password for tests`;
  await api(app, "/api/users", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, role, password }) });
  return signIn(app, name, password);
}

/** Starts the built server with a config that must stop it, and returns how it exited. */
export async function runAppExpectingExit(configText: string, env: Record<string, string> = {}, serve: ServeOptions = {}): Promise<{ code: number | null; output: string }> {
  const { out, exited, stop } = await spawnServer(configText, env, serve);
  const timer = setTimeout(() => void stop(), 30_000);
  const code = await exited;
  clearTimeout(timer);
  await stop();
  return { code, output: out.text };
}

/**
 * Calls one of the app's API routes as the signed-in admin (or with `cookie`), as the app's own
 * pages would (same Origin), and returns the raw Response.
 */
export function apiRaw(app: RunningApp, url: string, init: RequestInit = {}, cookie: string | null = app.cookie): Promise<Response> {
  const headers = new Headers(init.headers);
  if (cookie && !headers.has("cookie")) headers.set("cookie", cookie);
  if (!headers.has("origin")) headers.set("origin", new URL(app.url).origin);
  return fetch(app.url + url, { ...init, headers });
}

/** Calls one of the app's API routes and unwraps its { data } envelope, failing with the operator's sentence. */
export async function api<T>(app: RunningApp, url: string, init?: RequestInit, cookie?: string | null): Promise<T> {
  const res = await apiRaw(app, url, init, cookie === undefined ? app.cookie : cookie);
  const body = (await res.json()) as { data?: T; error?: { message: string } };
  if (!res.ok || body.data === undefined) throw new Error(`${url}: HTTP ${res.status} ${body.error?.message ?? ""}`);
  return body.data;
}

