import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { ENVIRONMENT_VARIABLES, loadConfig, type RedriveConfig } from "@/lib/config";
import { npmStart as readNpmStart } from "../../scripts/npm-start";

// The example deployments in docs/deploy/ are read by platform engineers and applied as they are:
// their probe paths, ports, command and variable names must be the ones this Redrive answers to.

const DEPLOY = path.join(process.cwd(), "docs/deploy");
const K8S = path.join(DEPLOY, "kubernetes");

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => obj(o)[k], v);
/** `npm start`'s command line: node, its V8 heap bounds, server.mjs. The image and the examples run exactly this, with its environment (the image's ENV). */
const npmStart = (): string[] => readNpmStart().command;

function manifests(): Obj[] {
  return readdirSync(K8S)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(path.join(K8S, f), "utf8")).map((d) => {
        expect(d.errors, f).toEqual([]);
        return obj(d.toJS());
      }),
    );
}

function only(all: Obj[], kind: string): Obj {
  const found = all.filter((m) => m.kind === kind);
  expect(
    found.map((m) => at(m, "metadata", "name")),
    kind,
  ).toHaveLength(1);
  return found[0]!;
}

/** A probe path must be a route this app serves, with a GET handler. */
function expectRoute(urlPath: string): void {
  const file = path.join(process.cwd(), "app", urlPath, "route.ts");
  expect(existsSync(file), `${urlPath} has a route file (app${urlPath}/route.ts)`).toBe(true);
  expect(readFileSync(file, "utf8")).toMatch(/export const GET\b/);
}

/** Every `…Env` field's value anywhere in the config: the variables it names. */
function namedVariables(config: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(config)) config.forEach((v) => namedVariables(v, into));
  else if (config !== null && typeof config === "object") {
    for (const [k, v] of Object.entries(config)) {
      if (/Env$/.test(k) && typeof v === "string") into.add(v);
      else namedVariables(v, into);
    }
  }
  return into;
}

/** Every `…File` field's value anywhere in the config: the secret files it reads. */
function namedFiles(config: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(config)) config.forEach((v) => namedFiles(v, into));
  else if (config !== null && typeof config === "object") {
    for (const [k, v] of Object.entries(config)) {
      if (/File$/.test(k) && typeof v === "string") into.add(v);
      else namedFiles(v, into);
    }
  }
  return into;
}

/** Loads the config an example hands Redrive, with each secret file it names stood in for by a local one holding `content(path)`. */
function loadWithStandIns(env: Record<string, string>, content: (file: string) => string): RedriveConfig {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-deploy-"));
  const standIn = new Map<string, string>();
  const local = (file: string) => {
    if (!standIn.has(file)) {
      const p = path.join(dir, `secret-${standIn.size}`);
      writeFileSync(p, `${content(file)}\n`);
      standIn.set(file, p);
    }
    return standIn.get(file)!;
  };
  const config = JSON.parse(env.REDRIVE_CONFIG_JSON ?? "{}") as unknown;
  const rewrite = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(rewrite)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, /File$/.test(k) && typeof x === "string" ? local(x) : rewrite(x)]))
        : v;
  const localEnv = Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, k.endsWith("_FILE") ? local(v) : k === "REDRIVE_CONFIG_JSON" ? JSON.stringify(rewrite(config)) : v]),
  );
  return loadConfig(localEnv, dir);
}

const secretContent = (file: string) =>
  /database-url/.test(file) ? "postgres://redrive:pw@db:5432/redrive" : /url/.test(file) ? "https://hooks.example/T/B/x" : "a secret of some length";

describe("the Kubernetes example (docs/deploy/kubernetes)", () => {
  const all = manifests();
  const deployment = only(all, "Deployment");
  const pod = obj(at(deployment, "spec", "template", "spec"));
  const container = obj(arr(pod.containers)[0]);
  const podLabels = obj(at(deployment, "spec", "template", "metadata", "labels"));
  const configMap = only(all, "ConfigMap");
  const secret = only(all, "Secret");

  // Environment as the pod would see it, from literal values and the ConfigMap.
  const env: Record<string, string> = {};
  for (const e of arr(container.env).map(obj)) {
    const ref = obj(at(e, "valueFrom", "configMapKeyRef"));
    if (typeof e.value === "string") env[String(e.name)] = e.value;
    else if (ref.name === at(configMap, "metadata", "name")) env[String(e.name)] = String(at(configMap, "data", String(ref.key)));
    else throw new Error(`env ${String(e.name)} comes from somewhere the example does not define`);
  }

  it("runs two replicas of Redrive's own server (npm start), with the configuration from the environment", () => {
    expect(at(deployment, "spec", "replicas")).toBe(2);
    expect(npmStart()).toEqual(["node", "--max-semi-space-size=16", "--max-old-space-size=1024", "server.mjs"]);
    expect(readNpmStart().env).toEqual({ MALLOC_ARENA_MAX: "2" });
    expect(container.command).toEqual(npmStart());
    const config = loadWithStandIns(env, secretContent);
    expect(config.source).toBe("REDRIVE_CONFIG_JSON");
    expect(config.clusters.map((c) => c.kind).sort()).toEqual(["nats", "rabbitmq"]);
    // Two replicas share one store: the embedded one is for a single process.
    expect(config.database.kind).toBe("postgres");
  });

  it("sets only variables Redrive reads, and mounts every secret file it names from the Secret", () => {
    const allowed = new Set([...ENVIRONMENT_VARIABLES, ...namedVariables(JSON.parse(env.REDRIVE_CONFIG_JSON!))]);
    expect(Object.keys(env).filter((n) => !allowed.has(n))).toEqual([]);
    const mounts = arr(container.volumeMounts).map(obj);
    const volumes = arr(pod.volumes).map(obj);
    const secretKeys = Object.keys(obj(secret.stringData));
    const files = [
      ...namedFiles(JSON.parse(env.REDRIVE_CONFIG_JSON!)),
      ...Object.entries(env)
        .filter(([k]) => k.endsWith("_FILE"))
        .map(([, v]) => v),
    ];
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const mount = mounts.find((m) => file.startsWith(`${String(m.mountPath)}/`));
      expect(mount, `${file} is under a mounted volume`).toBeDefined();
      const volume = volumes.find((v) => v.name === mount!.name);
      expect(at(volume, "secret", "secretName"), `${file} comes from the Secret`).toBe(at(secret, "metadata", "name"));
      expect(secretKeys, `${file} is a key of the Secret`).toContain(path.basename(file));
    }
  });

  it("probes routes the app serves, on the port it listens on, and gives the shutdown its time", () => {
    const port = obj(arr(container.ports)[0]);
    expect(port.containerPort).toBe(Number(env.PORT ?? 3000));
    const probes = { startupProbe: "/api/health/live", livenessProbe: "/api/health/live", readinessProbe: "/api/health/ready" } as const;
    for (const [probe, expected] of Object.entries(probes)) {
      const get = obj(at(container, probe, "httpGet"));
      expect(get.path, probe).toBe(expected);
      expectRoute(String(get.path));
      expect([port.name, port.containerPort], `${probe} port`).toContain(get.port);
    }
    const config = loadWithStandIns(env, secretContent);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(config.shutdown.deadlineMs / 1000 + 10);
  });

  it("routes the Service and the disruption budget to the Deployment's pods", () => {
    const service = only(all, "Service");
    const pdb = only(all, "PodDisruptionBudget");
    expect(obj(at(service, "spec", "selector"))).toEqual(podLabels);
    expect(obj(at(pdb, "spec", "selector", "matchLabels"))).toEqual(podLabels);
    const port = obj(arr(container.ports)[0]);
    expect([port.name, port.containerPort]).toContain(obj(arr(at(service, "spec", "ports"))[0]).targetPort);
    expect(at(pdb, "spec", "minAvailable")).toBe(1);
  });
});

describe("the compose example (docs/deploy/compose.yaml)", () => {
  const compose = obj(parseYaml(readFileSync(path.join(DEPLOY, "compose.yaml"), "utf8")));
  const services = obj(compose.services);
  const redrive = obj(services.redrive);
  const env = Object.fromEntries(Object.entries(obj(redrive.environment)).map(([k, v]) => [k, String(v)]));

  it("runs Redrive's own server with PostgreSQL and both brokers, configured from the environment alone", () => {
    expect(Object.keys(services).sort()).toEqual(["nats", "postgres", "rabbitmq", "redrive"]);
    expect(redrive.command).toEqual(npmStart());
    const config = loadWithStandIns(env, secretContent);
    expect(config.source).toBe("REDRIVE_CONFIG_JSON");
    expect(config.database.kind).toBe("postgres");
    expect(Object.keys(env).filter((n) => !new Set([...ENVIRONMENT_VARIABLES, ...namedVariables(JSON.parse(env.REDRIVE_CONFIG_JSON!))]).has(n))).toEqual([]);
    // The clusters point at the services of this file.
    const hosts = config.clusters.flatMap((c) => (c.kind === "nats" ? c.servers : [c.amqpUrl, c.managementUrl])).map((u) => new URL(u).hostname);
    expect(hosts.filter((h) => !(h in services))).toEqual([]);
    expect(new URL(config.database.kind === "postgres" ? config.database.url : "x:").hostname).toBe("postgres");
    // Compose's stop grace period must outlast the shutdown deadline.
    expect(Number(String(redrive.stop_grace_period).replace(/s$/, ""))).toBeGreaterThanOrEqual(config.shutdown.deadlineMs / 1000 + 10);
  });

  it("publishes the port Redrive listens on and checks a route it serves", () => {
    expect(arr(redrive.ports)).toContain(`3000:${env.PORT ?? 3000}`);
    const check = arr(at(redrive, "healthcheck", "test")).join(" ");
    const probe = /http:\/\/127\.0\.0\.1:(\d+)(\/api\/[a-z/]+)/.exec(check);
    expect(probe, "the healthcheck fetches an /api route").not.toBeNull();
    expect(probe![1]).toBe(env.PORT ?? "3000");
    expectRoute(probe![2]!);
  });
});

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerfile(): Array<{ op: string; args: string }> {
  const text = readFileSync(path.join(process.cwd(), "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(" ") };
    });
}

describe("the image (Dockerfile) the examples run", () => {
  const steps = dockerfile();
  const last = (op: string) => steps.filter((s) => s.op === op).pop()?.args;
  const deployment = only(manifests(), "Deployment");
  const pod = obj(at(deployment, "spec", "template", "spec"));
  const container = obj(arr(pod.containers)[0]);
  const compose = obj(parseYaml(readFileSync(path.join(DEPLOY, "compose.yaml"), "utf8")));
  const redrive = obj(obj(compose.services).redrive);

  it("builds on Node 24 from Next's standalone output, a version package.json's engines allow", () => {
    const bases = steps.filter((s) => s.op === "FROM").map((s) => s.args.split(/\s+/)[0]!);
    expect(bases.filter((b) => b.startsWith("node:"))).not.toHaveLength(0);
    for (const b of bases.filter((x) => x.includes(":"))) expect(b).toBe("node:24-bookworm-slim");
    expect(JSON.parse(readFileSync("package.json", "utf8")).engines.node).toMatch(/\^24\b/);
    // CI runs the suite, and builds the image's stand-in base, on the version .node-version pins.
    expect(readFileSync(".node-version", "utf8").trim()).toMatch(/^24\.\d+\.\d+$/);
    expect(readFileSync("next.config.ts", "utf8")).toMatch(/output: "standalone"/);
    // The runtime stage copies the standalone server, its static files, the migrations and server.mjs.
    const copies = steps.filter((s) => s.op === "COPY" && s.args.startsWith("--from=build")).map((s) => s.args.split(/\s+/)[1]);
    expect(copies).toEqual(expect.arrayContaining(["/src/.next/standalone", "/src/.next/static", "/src/prisma/migrations", "/src/server.mjs"]));
    const ignored = readFileSync(".dockerignore", "utf8").split("\n");
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", ".next", ".git", ".redrive"]));
  });

  it("runs the command, user and port the Kubernetes and compose examples expect, stops on SIGTERM and checks a route it serves", () => {
    expect(JSON.parse(last("CMD")!)).toEqual(container.command);
    expect(JSON.parse(last("CMD")!)).toEqual(redrive.command);
    expect(last("USER")).toBe(`${String(at(pod, "securityContext", "runAsUser"))}:${String(at(pod, "securityContext", "fsGroup"))}`);
    expect(last("EXPOSE")).toBe(String(obj(arr(container.ports)[0]).containerPort));
    expect(steps.some((s) => s.op === "ENV" && new RegExp(`\\bPORT=${last("EXPOSE")!}\\b`).test(s.args))).toBe(true);
    // npm start's environment (the allocator's arenas) is the image's too, whatever command runs it.
    for (const [name, value] of Object.entries(readNpmStart().env)) expect(steps.some((s) => s.op === "ENV" && new RegExp(`(^|\\s)${name}=${value}(\\s|$)`).test(s.args)), name).toBe(true);
    expect(last("STOPSIGNAL")).toBe("SIGTERM");
    // Under the base path the image was built with (REDRIVE_BASE_PATH, empty by default).
    const check = /http:\/\/127\.0\.0\.1:\$\{process\.env\.PORT \|\| (\d+)\}\$\{process\.env\.REDRIVE_BASE_PATH \|\| ''\}(\/api\/[a-z/]+)/.exec(last("HEALTHCHECK") ?? "");
    expect(check, "the HEALTHCHECK fetches an /api route on PORT under REDRIVE_BASE_PATH").not.toBeNull();
    expect(check![1]).toBe(last("EXPOSE"));
    expectRoute(check![2]!);
    expect(redrive.image).toBe(container.image);
  });
});
