import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../support/tcp-proxy";

// Every script npm runs answers --help with its usage and does nothing else, and refuses an unknown
// flag with a sentence and exit code 2. The brokers and the database are pointed at closed ports:
// a script that went on to do anything would fail (exit 1) or hang, not answer 0 or 2.

const ROOT = path.resolve(import.meta.dirname, "../..");
const SCRIPTS = [
  { name: "npm run demo", run: ["npm", "run", "--silent", "demo"], usage: /Usage: npm run demo/ },
  { name: "npm run bench", run: ["npm", "run", "--silent", "bench"], usage: /Usage: npm run bench/ },
  { name: "npm run bench:time-lag", run: ["npm", "run", "--silent", "bench:time-lag"], usage: /Usage: npm run bench:time-lag/ },
  { name: "npm run bench:inbox", run: ["npm", "run", "--silent", "bench:inbox"], usage: /Usage: npm run bench:inbox/ },
  { name: "npm run load", run: ["npm", "run", "--silent", "load"], usage: /Usage: npm run load/ },
  { name: "npm run reliability", run: ["npm", "run", "--silent", "reliability"], usage: /Usage: npm run reliability/ },
  { name: "npm run audit:verify", run: ["npm", "run", "--silent", "audit:verify"], usage: /usage: npm run audit:verify/ },
  { name: "npm test", run: ["npm", "test", "--silent"], usage: /Usage: npm test/ },
  { name: "prisma-generate", run: ["node", "scripts/prisma-generate.mjs"], usage: /Usage: node scripts\/prisma-generate\.mjs/ },
];
const WATCHED = ["docs/reliability.md", "docs/figures/fault-results.json", "docs/benchmarks.md", "docs/figures/load.json"];

describe("every npm script's command line", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const mtimes = new Map<string, number>();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "redrive-cli-"));
    const [amqp, mgmt, nats, pg] = await Promise.all([closedPort(), closedPort(), closedPort(), closedPort()]);
    const config = path.join(dir, "redrive.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        clusters: [
          { name: "nowhere-nats", kind: "nats", servers: [`nats://127.0.0.1:${nats}`] },
          { name: "nowhere-rmq", kind: "rabbitmq", amqpUrl: `amqp://guest:guest@127.0.0.1:${amqp}`, managementUrl: `http://127.0.0.1:${mgmt}` },
        ],
      }),
    );
    env = { ...process.env, REDRIVE_CONFIG: config, DATABASE_URL: `postgresql://postgres@127.0.0.1:${pg}/nowhere`, REDRIVE_DATA_DIR: path.join(dir, "data") };
    for (const f of WATCHED) mtimes.set(f, statSync(path.join(ROOT, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (cmd: string[], args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string; ms: number }>((resolve) => {
      const started = Date.now();
      const child = spawn(cmd[0]!, [...cmd.slice(1), ...(cmd[0] === "npm" ? ["--"] : []), ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, out, err, ms: Date.now() - started });
      });
    });

  it.each(SCRIPTS)("$name answers --help with its usage and does nothing, and exits 2 on an unknown flag", async ({ run: cmd, usage }) => {
    const help = await run(cmd, ["--help"]);
    expect({ code: help.code, err: help.err }).toEqual({ code: 0, err: "" });
    expect(help.out).toMatch(usage);
    // Quick: the reliability suite, a benchmark or a test run takes minutes, not seconds.
    expect(help.ms).toBeLessThan(20_000);

    const bogus = await run(cmd, ["--bogus"]);
    expect(bogus.code).toBe(2);
    expect(bogus.err).toMatch(/Unknown option ["']--bogus["']\./);
    expect(bogus.err).toMatch(usage);
    expect(bogus.out).toBe("");
  }, 60_000);

  it("left the pages and figures the scripts write untouched", () => {
    for (const f of WATCHED) expect(statSync(path.join(ROOT, f), { throwIfNoEntry: false })?.mtimeMs ?? 0, f).toBe(mtimes.get(f));
  });
});
