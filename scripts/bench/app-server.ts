import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { npmStart } from "../npm-start";
import { HOST, sleep } from "./local";

// The app is built from a private copy of the sources in a temp folder, never into the repository's
// .next: other people serve and rebuild that one while they work. Type errors do not stop this
// build (it measures runtime, and the sources may be mid-edit); `npx tsc` is the type gate.

const SOURCES = ["app", "components", "lib", "public", "prisma", "server.mjs", "instrumentation.ts", "next.config.ts", "package.json", "tsconfig.json", "postcss.config.mjs"];
const BUILD_TIMEOUT_MS = 10 * 60_000;
const READY_TIMEOUT_MS = 90_000;

/** `headers` carry the bench admin's session cookie: every API call is made signed in, as the console's are. */
export type AppServer = {
  url: string;
  pid: number;
  headers: Record<string, string>;
  stop(): Promise<void>;
  output(): string;
  /** How the process ended ("exit code 1", "signal SIGKILL"), or null while it runs. */
  ended(): string | null;
};

const BENCH_ADMIN = { name: "bench-admin", password: "bench admin password, local only" };

const tail = (lines: string[]) => lines.slice(-40).join("");

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, signal: AbortSignal): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    const keep = (b: Buffer) => lines.push(b.toString()) > 400 && lines.splice(0, 200);
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const kill = () => {
      child.kill("SIGTERM");
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), 5000).unref();
    };
    const timer = setTimeout(kill, timeoutMs);
    signal.addEventListener("abort", kill, { once: true });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", kill);
      resolve({ code, output: tail(lines) });
    });
  });
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, LANG, TMPDIR } = process.env;
  // No telemetry: nothing but 127.0.0.1 is contacted.
  return { PATH, HOME, LANG, TMPDIR, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

/** Copies the sources to a temp folder and runs `next build` there; returns the folder. */
export async function buildPrivateCopy(root: string, signal: AbortSignal): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "redrive-bench-app-"));
  try {
    for (const entry of SOURCES) await cp(path.join(root, entry), path.join(dir, entry), { recursive: true });
    await symlink(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    // Turbopack compiles only files under its root; node_modules is a link back to the repository.
    // The bench serves .next as `npm start` does: no standalone copy (that is for the image).
    await rename(path.join(dir, "next.config.ts"), path.join(dir, "next.config.base.ts"));
    await writeFile(
      path.join(dir, "next.config.ts"),
      `import base from "./next.config.base";\nexport default { ...base, output: undefined, turbopack: { root: "/" }, outputFileTracingRoot: "/", typescript: { ignoreBuildErrors: true } };\n`,
    );
    const r = await run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], dir, baseEnv({}), BUILD_TIMEOUT_MS, signal);
    signal.throwIfAborted();
    if (r.code !== 0) throw new Error(`next build failed (exit ${r.code}):\n${r.output}`);
    return dir;
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The app as `npm start` serves it (server.mjs, with npm start's Node flags) on 127.0.0.1 from the built folder, with the bench's database and config. */
export async function startApp(opts: { dir: string; root: string; env: Record<string, string>; signal: AbortSignal }): Promise<AppServer> {
  const port = await freePort();
  // npm start's environment and Node flags (package.json), so the bench measures the memory the app is run with.
  const start = npmStart(opts.root);
  const child: ChildProcess = spawn(process.execPath, [...start.command.slice(1, -1), path.join(opts.dir, "server.mjs"), "-p", String(port), "-H", HOST], {
    cwd: opts.dir,
    env: baseEnv({ ...start.env, REDRIVE_ADMIN_USER: BENCH_ADMIN.name, REDRIVE_ADMIN_PASSWORD: BENCH_ADMIN.password, ...opts.env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const keep = (b: Buffer) => lines.push(b.toString()) > 400 && lines.splice(0, 200);
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let ended: string | null = null;
  const exit = new Promise<void>((resolve) =>
    child.on("exit", (code, sig) => {
      ended = sig ? `signal ${sig}` : `exit code ${code}`;
      resolve();
    }),
  );
  const url = `http://${HOST}:${port}`;
  const server: AppServer = {
    url,
    pid: child.pid ?? -1,
    headers: {},
    output: () => tail(lines),
    ended: () => ended,
    async stop() {
      if (ended !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exit, sleep(10_000)]);
      if (ended === null) {
        child.kill("SIGKILL");
        await Promise.race([exit, sleep(5000)]);
      }
    },
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (let attempt = 0; attempt < READY_TIMEOUT_MS / 250; attempt++) {
    if (ended !== null) throw new Error(`the app server ended (${ended}) before it was ready:\n${server.output()}`);
    if (opts.signal.aborted || Date.now() > deadline) break;
    try {
      const res = await fetch(`${url}/api/health/live`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200) {
        const signIn = await fetch(`${url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json", origin: url }, body: JSON.stringify(BENCH_ADMIN), signal: AbortSignal.timeout(30_000) });
        const cookie = signIn.headers.get("set-cookie")?.split(";")[0];
        if (signIn.status !== 200 || !cookie) throw new Error(`signing in to the bench app: HTTP ${signIn.status} ${await signIn.text()}`);
        server.headers = { cookie };
        return server;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await server.stop();
  opts.signal.throwIfAborted();
  throw new Error(`the app did not answer /api/health/live with 200 within ${READY_TIMEOUT_MS / 1000} s:\n${server.output()}`);
}
