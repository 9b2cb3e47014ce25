/**
 * `npm run reliability` — runs the fault and hostile-input suites (vitest project `fault`) and writes
 * docs/reliability.md from what they recorded, with the load figures of the last `npm run load`.
 *
 *   node --conditions=react-server --import tsx scripts/reliability/index.ts [--no-run] [--out PATH] [--help]
 *
 * --no-run renders from the results of the last run (docs/figures/fault-results.json) and the load
 * figures (docs/figures/load.json) without running anything. Exit code 1 when a test failed (the
 * document is still written, with the failures named).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readCli } from "../cli-args";
import { renderReliability, type FaultRun } from "./render";

const ROOT = path.resolve(import.meta.dirname, "../..");
const RESULTS = path.join(ROOT, "docs/figures/fault-results.json");
const LOAD = path.join(ROOT, "docs/figures/load.json");
const LOAD_BEFORE = path.join(ROOT, "docs/figures/load-before-shared-reads.json");

const USAGE = `Usage: npm run reliability -- [--no-run] [--out PATH]

Runs the fault, lifecycle and hostile-input suites (vitest project "fault": private RabbitMQ and NATS
nodes for the restarts and alarms, the shared local brokers and PostgreSQL for the rest; several
minutes) and writes docs/reliability.md from what they recorded, with the last load run's figures.

  --no-run     render from the last results (docs/figures/fault-results.json) without running anything
  --out PATH   write the page to PATH (default docs/reliability.md)
  --help       show this text

Exit codes: 0 every test passed, 1 a test failed (the page is still written, naming it), 2 bad arguments.`;

type VitestJson = { numPassedTests: number; numFailedTests: number; numTotalTests: number; startTime: number; testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: Array<{ title: string; status: string; duration?: number }> }> };

function run(): FaultRun {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-reliability-"));
  const lines = path.join(dir, "results.jsonl");
  const report = path.join(dir, "vitest.json");
  writeFileSync(lines, "");
  const started = Date.now();
  const r = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--project", "fault", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, REDRIVE_RELIABILITY_OUT: lines },
  });
  const wallMs = Date.now() - started;
  let json: VitestJson | null = null;
  try {
    json = JSON.parse(readFileSync(report, "utf8")) as VitestJson;
  } catch {
    json = null;
  }
  const records = readFileSync(lines, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as FaultRun["records"][number]);
  rmSync(dir, { recursive: true, force: true });
  return {
    date: new Date(started).toISOString(),
    command: "npm run reliability (vitest run --project fault)",
    wallMs,
    exitCode: r.status,
    passed: json?.numPassedTests ?? 0,
    failed: json?.numFailedTests ?? 0,
    files: (json?.testResults ?? []).map((f) => ({
      file: path.relative(ROOT, f.name),
      ms: f.endTime - f.startTime,
      tests: f.assertionResults.map((a) => ({ title: a.title, status: a.status, ms: a.duration ?? 0 })),
    })),
    records,
  };
}

function main(): number {
  const args = readCli(process.argv.slice(2), { "no-run": { type: "boolean" }, out: { type: "string" } }, USAGE, "redrive reliability");
  if (typeof args === "number") return args;
  const out = path.resolve(ROOT, args.out ?? "docs/reliability.md");
  let faults: FaultRun;
  if (args["no-run"]) {
    if (!existsSync(RESULTS)) {
      console.error(`redrive reliability: ${path.relative(ROOT, RESULTS)} does not exist yet; run without --no-run first`);
      return 1;
    }
    faults = JSON.parse(readFileSync(RESULTS, "utf8")) as FaultRun;
  } else {
    faults = run();
    writeFileSync(RESULTS, JSON.stringify(faults, null, 2) + "\n");
  }
  const load = existsSync(LOAD) ? JSON.parse(readFileSync(LOAD, "utf8")) : null;
  const before = existsSync(LOAD_BEFORE) ? JSON.parse(readFileSync(LOAD_BEFORE, "utf8")) : null;
  writeFileSync(out, renderReliability(faults, load, before));
  console.log(`\nredrive reliability: ${faults.passed} passed, ${faults.failed} failed; ${faults.records.length} figures; written to ${path.relative(ROOT, out)}`);
  return faults.failed === 0 && faults.exitCode === 0 ? 0 : 1;
}

process.exit(main());
