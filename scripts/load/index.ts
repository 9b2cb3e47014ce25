/**
 * `npm run load` — the load run behind docs/reliability.md's load figures.
 *
 *   node --conditions=react-server --import tsx scripts/load/index.ts [--quick] [--clients N] [--seconds N] ...
 *
 * Only 127.0.0.1 is contacted; everything it makes (vhost load-<id>, streams LOAD_<ID>_*, database
 * redrive_load_<id>, a private build of the app) is removed at the end, also on Ctrl-C. Exit codes:
 * 0 done, 1 failed, 2 bad arguments, 130 interrupted.
 */
import { describeError } from "@/lib/errors";
import { LOAD_USAGE, LoadArgsError, parseLoadArgs } from "./args";
import { runLoad } from "./run-load";

async function main(): Promise<number> {
  let options;
  try {
    options = parseLoadArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof LoadArgsError)) throw e;
    console.error(`${e.message}\n\n${LOAD_USAGE}`);
    return 2;
  }
  if (options === "help") {
    console.log(LOAD_USAGE);
    return 0;
  }
  const controller = new AbortController();
  const onSignal = (name: string) => {
    if (controller.signal.aborted) process.exit(130);
    console.error(`redrive load: ${name}, stopping and cleaning up (again to force)...`);
    controller.abort(new Error(`interrupted (${name})`));
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  try {
    const { markdown, written } = await runLoad(options, controller.signal);
    console.log(`\n${markdown}`);
    if (written) console.log(`written to ${written}; \`npm run reliability -- --no-run\` puts it into docs/reliability.md`);
    return 0;
  } catch (e) {
    console.error(`redrive load: ${describeError(e)}`);
    return controller.signal.aborted ? 130 : 1;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`redrive load: unexpected error: ${describeError(e)}`);
    process.exit(1);
  },
);
