import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// Suites outside the e2e tier that call the built app (hostile input) use the build the e2e tier made
// earlier in the same `npm test`; they build again only when there is none, or a source is newer.

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SOURCES = ["app", "components", "lib", "instrumentation.ts", "next.config.ts", "package.json"];

function newest(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) if (e !== "generated") m = Math.max(m, newest(path.join(p, e)));
  return m;
}

export function ensureBuild(): void {
  const buildId = path.join(ROOT, ".next/BUILD_ID");
  const fresh = existsSync(buildId) && statSync(buildId).mtimeMs > Math.max(...SOURCES.map((s) => newest(path.join(ROOT, s))));
  if (fresh) return;
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status}); see the output above.`);
}
