import { spawnSync } from "node:child_process";

// The e2e tier drives the production build, built once per run from the current sources.
export default function setup(): void {
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status}); see the output above.`);
}
