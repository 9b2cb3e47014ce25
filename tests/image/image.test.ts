import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, queryRows } from "../support/postgres";
import { createVhost, until } from "../support/rabbit-admin";
import { closedPort } from "../support/tcp-proxy";
import { npmStart } from "../../scripts/npm-start";

// The container image as a platform would run it: the repository's Dockerfile built unchanged with
// buildah on a local stand-in for node:24-bookworm-slim (scripts/ci/make-base-image.sh; the registry
// cannot be reached here), then the image's own command run with `buildah run` on the host's network,
// against a fresh PostgreSQL database and the local brokers, configured only by environment
// variables and secret files mounted read-only, as Kubernetes mounts them.

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const IMAGE = "localhost/redrive:ci";
const ADMIN_PASSWORD = `image-admin-${randomBytes(6).toString("hex")}`;
// /run itself: buildah run does not follow the image's /var/run -> /run link for a mount point.
const SECRETS_IN_IMAGE = "/run/secrets/redrive";
const UID = 10001;

type Run = { status: number; out: string };

function run(cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Run {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

function must(cmd: string, args: string[], timeoutMs?: number): string {
  const r = run(cmd, args, { timeoutMs });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.out.slice(-8000)}`);
  return r.out;
}

/** Runs a long step with its output streamed to the log, as CI shows it. */
function step(cmd: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(" ")} failed (exit ${code}); see the output above.`));
    });
  });
}

type ImageConfig = {
  User?: string;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  ExposedPorts?: Record<string, unknown>;
  StopSignal?: string;
  Env?: string[];
  Healthcheck?: { Test?: string[] };
};

function imageConfig(): ImageConfig {
  const info = JSON.parse(must("buildah", ["inspect", "--type", "image", IMAGE])) as { Docker?: { config?: ImageConfig } };
  return info.Docker?.config ?? {};
}

/** Descendants of `pid` (buildah run's own helpers, then the image's process). */
function descendants(pid: number): Array<{ pid: number; cmdline: string }> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: Array<{ pid: number; cmdline: string }> = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent !== p) continue;
      let cmdline = "";
      try {
        cmdline = readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").join(" ").trim();
      } catch {
        // gone meanwhile
      }
      found.push({ pid: child, cmdline });
      walk(child);
    }
  };
  walk(pid);
  return found;
}

type Running = { child: ChildProcess; url: string; logs: () => string; exited: Promise<number | null>; serverPid: () => number };

/** The image's own command (entrypoint + cmd), as its user in its working directory, on the host's network. */
function startContainer(container: string, command: string[], env: Record<string, string>, port: number, volumes: string[]): Running {
  const args = [
    "run",
    "--isolation",
    "chroot",
    "--network",
    "host",
    ...volumes.flatMap((v) => ["--volume", v]),
    ...Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
    container,
    "--",
    ...command,
  ];
  const child = spawn("buildah", args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const serverPid = () => {
    const node = descendants(child.pid!).filter((p) => p.cmdline.includes("server.mjs") && !p.cmdline.startsWith("buildah"));
    if (node.length !== 1) throw new Error(`expected one server process under buildah run, found: ${JSON.stringify(descendants(child.pid!))}`);
    return node[0]!.pid;
  };
  return { child, url: `http://127.0.0.1:${port}`, logs: () => text, exited, serverPid };
}

async function probe(url: string): Promise<{ status: number; word: string | null }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json().catch(() => null)) as { data?: { status?: string } } | null;
    return { status: res.status, word: body?.data?.status ?? null };
  } catch {
    return { status: 0, word: null };
  }
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ name: "admin", password: ADMIN_PASSWORD }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  expect(cookie).toMatch(/^redrive_session=/);
  return cookie!;
}

/** SIGTERM to the image's process, as a runtime sends STOPSIGNAL; resolves with buildah run's exit code (the process's own). */
async function stopWithSigterm(c: Running): Promise<number | null> {
  expect(imageConfig().StopSignal).toBe("SIGTERM");
  process.kill(c.serverPid(), "SIGTERM");
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000));
  const code = await Promise.race([c.exited, timeout]);
  if (code === "timeout") {
    c.child.kill("SIGKILL");
    throw new Error(`the container did not exit within 60 s of SIGTERM:\n${c.logs()}`);
  }
  return code;
}

describe("the container image", () => {
  let container = "";
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  const secrets = mkdtempSync(path.join(tmpdir(), "redrive-image-secrets-"));
  const started: Running[] = [];
  let config: ImageConfig;

  beforeAll(async () => {
    for (const tool of ["buildah", "debootstrap"]) {
      if (run("sh", ["-c", `command -v ${tool} || test -x /usr/sbin/${tool}`]).status !== 0)
        throw new Error(`The image tier needs ${tool} (Debian package "${tool}"); .ci/run installs it.`);
    }
    const t0 = Date.now();
    await step("scripts/ci/make-base-image.sh", [], 20 * 60_000);
    const t1 = Date.now();
    // The host's CA bundle and an npmrc naming it, for `npm ci` inside the build where the registry
    // is reached through a proxy with its own certificate; the Dockerfile itself is unchanged.
    const buildMounts: string[] = [];
    if (existsSync("/etc/ssl/certs/ca-certificates.crt")) {
      const npmrc = path.join(secrets, "build-npmrc");
      writeFileSync(npmrc, "cafile=/etc/ssl/certs/ca-certificates.crt\n");
      buildMounts.push("--volume", "/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro", "--volume", `${npmrc}:/usr/local/etc/npmrc:ro`);
    }
    await step(
      "buildah",
      ["bud", "--isolation", "chroot", "--format", "docker", "--layers", "--force-rm", ...buildMounts, "--tag", IMAGE, "--file", "Dockerfile", "."],
      30 * 60_000,
    );
    const t2 = Date.now();
    const size = must("buildah", ["images", "--format", "{{.Size}}", IMAGE]).trim();
    console.log(`image tier: base stand-in ${((t1 - t0) / 1000).toFixed(0)} s, image build ${((t2 - t1) / 1000).toFixed(0)} s, ${IMAGE} ${size}`);
    config = imageConfig();
    container = must("buildah", ["from", "--pull-never", IMAGE]).trim().split("\n").pop()!;

    db = await createTestDatabase("redrive_image");
    vhost = await createVhost(`redrive-image-${randomBytes(4).toString("hex")}`);
    writeFileSync(path.join(secrets, "database-url"), `${db.url}\n`);
    writeFileSync(path.join(secrets, "admin-password"), `${ADMIN_PASSWORD}\n`);
    writeFileSync(path.join(secrets, "rabbitmq-password"), "guest\n");
    // As Kubernetes mounts a Secret for the pod's user: the folder open, each file readable by that user alone.
    chmodSync(secrets, 0o755);
    for (const f of ["database-url", "admin-password", "rabbitmq-password"]) {
      chownSync(path.join(secrets, f), UID, UID);
      chmodSync(path.join(secrets, f), 0o400);
    }
  }, 60 * 60_000);

  afterAll(async () => {
    for (const c of started) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
    if (container) run("buildah", ["rm", container]);
    await db?.drop();
    await vhost?.drop();
    rmSync(secrets, { recursive: true, force: true });
  });

  it("is built as a non-root user on Node 24, with the probe as HEALTHCHECK, SIGTERM as stop signal, and no dev dependencies", () => {
    expect(config.User).toBe(`${UID}:${UID}`);
    expect(config.StopSignal).toBe("SIGTERM");
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual(["3000/tcp"]);
    expect(config.Healthcheck?.Test?.[0]).toBe("CMD");
    expect(config.Healthcheck?.Test?.join(" ")).toContain("/api/health/live");
    const inside = must("buildah", [
      "run",
      "--isolation",
      "chroot",
      container,
      "--",
      "node",
      "-e",
      "const fs=require('fs');console.log(JSON.stringify({node:process.version,uid:process.getuid(),modules:fs.readdirSync('node_modules'),cwd:process.cwd(),migrations:fs.readdirSync('prisma/migrations').filter((m)=>/^\\d/.test(m)).length}))",
    ]);
    const facts = JSON.parse(inside.trim().split("\n").pop()!) as { node: string; uid: number; modules: string[]; cwd: string; migrations: number };
    expect(facts.node).toMatch(/^v24\./);
    expect(facts.uid).toBe(UID);
    expect(facts.cwd).toBe("/app");
    expect(facts.migrations).toBe(readdirSync(path.join(ROOT, "prisma/migrations")).filter((m) => /^\d/.test(m)).length);
    // Runtime packages are there; build and test tools are not.
    expect(facts.modules).toEqual(expect.arrayContaining(["next", "react", "pg", "amqplib", "@electric-sql", "@nats-io", "@prisma"]));
    for (const dev of ["typescript", "vitest", "eslint", "prisma", "tailwindcss", "tsx", "playwright-core", "prettier"])
      expect(facts.modules).not.toContain(dev);
  });

  it("serves from its own command against PostgreSQL and both brokers: probes, migrations, a signed-in call, its HEALTHCHECK, then exits 0 on SIGTERM", async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const appConfig = {
      statusIntervalSeconds: 1,
      clusters: [
        { name: "image-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { enabled: false } },
        {
          name: "image-rabbit",
          kind: "rabbitmq",
          amqpUrl: "amqp://guest@127.0.0.1:5672",
          managementUrl: "http://127.0.0.1:15672",
          passwordFile: `${SECRETS_IN_IMAGE}/rabbitmq-password`,
          vhosts: [vhost.name],
        },
      ],
    };
    const command = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
    // npm start: its environment (the image's ENV), node with the V8 heap's bounds, then server.mjs.
    const start = npmStart();
    expect(command).toEqual(start.command);
    for (const [name, value] of Object.entries(start.env)) expect(config.Env ?? []).toContain(`${name}=${value}`);
    const c = startContainer(
      container,
      command,
      {
        PORT: String(port),
        REDRIVE_CONFIG_JSON: JSON.stringify(appConfig),
        REDRIVE_PUBLIC_URL: url,
        DATABASE_URL_FILE: `${SECRETS_IN_IMAGE}/database-url`,
        REDRIVE_ADMIN_PASSWORD_FILE: `${SECRETS_IN_IMAGE}/admin-password`,
      },
      port,
      [`${secrets}:${SECRETS_IN_IMAGE}:ro`],
    );
    started.push(c);

    const live = await until(
      () => probe(`${url}/api/health/live`),
      (p) => p.status === 200 || c.child.exitCode !== null,
      120_000,
      500,
    );
    expect(live, c.logs()).toEqual({ status: 200, word: "ok" });
    const ready = await until(
      () => probe(`${url}/api/health/ready`),
      (p) => p.status === 200 || c.child.exitCode !== null,
      120_000,
      500,
    );
    expect(ready, c.logs()).toEqual({ status: 200, word: "ready" });
    // The server runs with npm start's environment (the malloc arenas), from the image's ENV.
    const serverEnv = readFileSync(`/proc/${c.serverPid()}/environ`, "utf8").split("\0");
    for (const [name, value] of Object.entries(start.env)) expect(serverEnv).toContain(`${name}=${value}`);

    // The app applied every migration of the image to the fresh database itself.
    const applied = await queryRows<{ n: string }>(db.url, `SELECT count(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`);
    expect(Number(applied[0]!.n)).toBe(readdirSync(path.join(ROOT, "prisma/migrations")).filter((m) => /^\d/.test(m)).length);

    // Signed in as the first admin, whose password came from the mounted file.
    const cookie = await signIn(url);
    type Health = { status: string; store: { ok: boolean; kind: string }; clusters: Array<{ name: string; state: string }> };
    const health = await until(
      async () => ((await (await fetch(`${url}/api/health`, { headers: { cookie } })).json()) as { data: Health }).data,
      (h) => h.clusters.every((x) => x.state === "up"),
      60_000,
      500,
    );
    expect(health.store).toMatchObject({ ok: true, kind: "postgres" });
    expect(health.clusters.map((x) => `${x.name}:${x.state}`).sort()).toEqual(["image-nats:up", "image-rabbit:up"]);
    expect(health.status).toBe("ok");
    // prom-client, kept outside the bundle (next.config.ts), serves the metrics from the image too.
    const metrics = await fetch(`${url}/api/metrics`, { headers: { cookie } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# TYPE redrive_sampler_ticks_total counter$/m);

    // The image's HEALTHCHECK command, run inside the same container as the runtime would.
    const check = config.Healthcheck!.Test!.slice(1);
    const healthy = run("buildah", ["run", "--isolation", "chroot", "--network", "host", "--env", `PORT=${port}`, container, "--", ...check], {
      timeoutMs: 60_000,
    });
    expect(healthy.status, healthy.out).toBe(0);

    const code = await stopWithSigterm(c);
    expect(code, c.logs()).toBe(0);
    expect(c.logs()).toContain("shutdown");
    const after = run("buildah", ["run", "--isolation", "chroot", "--network", "host", "--env", `PORT=${port}`, container, "--", ...check], {
      timeoutMs: 60_000,
    });
    expect(after.status, "the HEALTHCHECK fails once nothing serves").toBe(1);
  });

  it("serves with its embedded store (PGlite's WASM files in the image) when no database is named", async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const c = startContainer(
      container,
      [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])],
      {
        PORT: String(port),
        REDRIVE_CONFIG_JSON: JSON.stringify({
          clusters: [{ name: "image-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { enabled: false } }],
        }),
        REDRIVE_ADMIN_PASSWORD_FILE: `${SECRETS_IN_IMAGE}/admin-password`,
      },
      port,
      [`${secrets}:${SECRETS_IN_IMAGE}:ro`],
    );
    started.push(c);
    const ready = await until(
      () => probe(`${url}/api/health/ready`),
      (p) => p.status === 200 || c.child.exitCode !== null,
      120_000,
      500,
    );
    expect(ready, c.logs()).toEqual({ status: 200, word: "ready" });
    const cookie = await signIn(url);
    const res = await fetch(`${url}/api/health`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { store: { ok: boolean; kind: string } } };
    expect(body.data.store).toMatchObject({ ok: true, kind: "embedded" });
    expect(await stopWithSigterm(c), c.logs()).toBe(0);
  });
});
