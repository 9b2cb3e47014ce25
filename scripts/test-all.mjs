// `npm test`: every tier (unit, integration, e2e) in one vitest run, then one plain closing line
// with the totals, so CI logs and people read the same figure.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const dir = mkdtempSync(path.join(tmpdir(), "redrive-test-"));
const report = path.join(dir, "report.json");
const args = ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)];
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
rmSync(dir, { recursive: true, force: true });
console.log(`\n${summary}`);
process.exitCode = run.status === 0 ? process.exitCode ?? 0 : run.status ?? 1;
