// `prisma generate` needs no schema engine, but the CLI insists on finding one; pointing it at any
// existing file keeps it offline (no engine download is possible on our machines).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";

const USAGE = `Usage: node scripts/prisma-generate.mjs

Generates the Prisma client into lib/db/generated from prisma/schema.prisma, offline (run by
npm install). Takes no options besides --help.`;
const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
try {
  parseArgs({ args: argv, strict: true, allowPositionals: false, options: {} });
} catch (e) {
  console.error(`prisma-generate: ${String(e?.message).replace(/\.$/, "")}.\n\n${USAGE}`);
  process.exit(2);
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const r = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], {
  stdio: "inherit",
  env,
});
process.exit(r.status ?? 1);
