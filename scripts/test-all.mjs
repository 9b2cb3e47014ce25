// `npm test`: every tier (unit, integration, e2e, fault, image) in one vitest run, then one plain closing
// line with the totals, so CI logs and people read the same figure. Plain JavaScript (it runs before
// anything is built), so it parses its few flags itself, with node's strict parser as the other
// scripts do (scripts/cli-args.ts).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const USAGE = `Usage: npm test -- [FILTER ...] [--project NAME ...] [-t PATTERN] [--bail N]

Runs every test tier (unit, integration, e2e, fault, image) against the local brokers and PostgreSQL,
and ends with one line "tests: N passed, N failed". The fault tier's restarts and alarms run on private
RabbitMQ and NATS nodes it starts itself; the image tier builds the Dockerfile with buildah and runs
the image (as root, with buildah and debootstrap installed).

  FILTER          only test files whose path contains FILTER
  --project NAME  only that tier (unit, integration, e2e, fault or image); repeatable
  -t PATTERN      only tests whose name matches PATTERN
  --bail N        stop after N failed tests
  --help          show this text`;

const argv = process.argv.slice(2);
const help = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : argv.length).some((a) => a === "--help" || a === "-h");
if (help) {
  console.log(USAGE);
  process.exit(0);
}
let parsed;
try {
  parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { project: { type: "string", multiple: true }, t: { type: "string", short: "t" }, bail: { type: "string" } } });
} catch (e) {
  const flag = /'([^']+)'/.exec(String(e?.message))?.[1];
  const sentence = e?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? `Unknown option "${flag}".` : `${String(e?.message).replace(/\.$/, "")}.`;
  console.error(`npm test: ${sentence}\n\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
const forwarded = [
  ...positionals,
  ...(values.project ?? []).flatMap((p) => ["--project", p]),
  ...(values.t !== undefined ? ["-t", values.t] : []),
  ...(values.bail !== undefined ? ["--bail", values.bail] : []),
];

const dir = mkdtempSync(path.join(tmpdir(), "redrive-test-"));
const report = path.join(dir, "report.json");
const args = ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...forwarded];
const run = spawnSync(process.execPath, args, { stdio: "inherit" });

let summary = "tests: results unavailable (vitest wrote no report)";
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : "");
  if (r.numTotalTests === 0) {
    console.error("No test ran.");
    process.exitCode = 1;
  }
} catch {
  process.exitCode = 1;
}
// REDRIVE_TEST_REPORT keeps vitest's JSON report (with REDRIVE_RELIABILITY_OUT, a whole run can
// feed docs/reliability.md without running the fault tier a second time).
if (process.env.REDRIVE_TEST_REPORT) {
  try {
    copyFileSync(report, process.env.REDRIVE_TEST_REPORT);
  } catch {
    console.error(`The test report could not be kept at ${process.env.REDRIVE_TEST_REPORT}.`);
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(`\n${summary}`);
process.exitCode = run.status === 0 ? process.exitCode ?? 0 : run.status ?? 1;
