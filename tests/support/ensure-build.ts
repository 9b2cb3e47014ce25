import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// Suites outside the e2e tier that call the built app (hostile input) use the build the e2e tier made
// earlier in the same `npm test`; they build again only when there is none, or a source is newer.
// A build under a base path (the sub-path suite) goes into a folder of its own, so the root build
// the other suites use is never overwritten.

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SOURCES = ["app", "components", "lib", "instrumentation.ts", "proxy.ts", "next.config.ts", "package.json"];

export type BuildOptions = {
  /** REDRIVE_BASE_PATH at build time; "" (the default) serves at the root. */
  basePath?: string;
  /** REDRIVE_DIST_DIR: the folder the build goes into, default ".next". */
  distDir?: string;
};

function newest(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) if (e !== "generated") m = Math.max(m, newest(path.join(p, e)));
  return m;
}

/** The environment `next build` and server.mjs need for this build: the base path and the folder. */
export function buildEnv({ basePath = "", distDir = ".next" }: BuildOptions = {}): Record<string, string> {
  return { REDRIVE_BASE_PATH: basePath, REDRIVE_DIST_DIR: distDir };
}

/** Runs `next build` for these options; returns how long it took in milliseconds. */
export function build(options: BuildOptions = {}): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...buildEnv(options) },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status}); see the output above.`);
  return performance.now() - started;
}

/** Builds unless a build for the same base path in the same folder is newer than every source. Returns the build time in ms, or 0 when none was needed. */
export function ensureBuild(options: BuildOptions = {}): number {
  const dist = path.join(ROOT, options.distDir ?? ".next");
  const buildId = path.join(dist, "BUILD_ID");
  const manifest = path.join(dist, "required-server-files.json");
  const fresh =
    existsSync(buildId) &&
    existsSync(manifest) &&
    (JSON.parse(readFileSync(manifest, "utf8")) as { config: { basePath?: string } }).config.basePath === (options.basePath ?? "") &&
    statSync(buildId).mtimeMs > Math.max(...SOURCES.map((s) => newest(path.join(ROOT, s))));
  return fresh ? 0 : build(options);
}
