import "server-only";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";
import { closeStore } from "./get-store";

// SIGINT (Ctrl-C) and SIGTERM close the store before the process exits: the embedded store's
// folder is given back (its owner file removed) and PGlite closes its files, so the next start —
// or audit:verify — finds it free at once. Next.js's own handler would exit without closing it:
// ours takes its place.

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
/** A close that hangs must not keep the process from exiting when asked to. */
const CLOSE_BOUND_MS = 10_000;

const holder = globalThis as typeof globalThis & { __redriveStoreSignalsInstalled?: boolean };

export function closeStoreOnSignal(): void {
  if (holder.__redriveStoreSignalsInstalled) return;
  holder.__redriveStoreSignalsInstalled = true;
  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    log.info("stopping: closing the store", { signal });
    const bound = setTimeout(() => {
      log.error("the store did not close in time; exiting anyway", { seconds: CLOSE_BOUND_MS / 1000 });
      process.exit(1);
    }, CLOSE_BOUND_MS);
    bound.unref();
    closeStore().then(
      () => {
        log.info("store closed; exiting");
        process.exit(0);
      },
      (e: unknown) => {
        log.error("the store did not close cleanly", { error: describeError(e) });
        process.exit(1);
      },
    );
  };
  for (const signal of SIGNALS) {
    for (const l of process.listeners(signal)) process.removeListener(signal, l);
    process.on(signal, handle);
  }
}
