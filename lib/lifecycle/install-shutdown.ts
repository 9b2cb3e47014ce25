import "server-only";
import { closeBrokers } from "@/lib/brokers/get-brokers";
import { closeStore } from "@/lib/db/get-store";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";
import { markShuttingDown } from "./is-shutting-down";
import { onShutdown } from "./on-shutdown";
import { runShutdown } from "./run-shutdown";

// On SIGTERM/SIGINT a replica stops taking work, lets publishes already sent reach their confirms
// (up to the deadline), records their outcomes, hands its job leases back, closes its consumers,
// drains NATS, closes its store and exits 0. SIGKILL is survived by leases and dedupe instead.

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
/** Past the deadline and every step's own bound, something is stuck: exit rather than be killed. */
const BACKSTOP_AFTER_DEADLINE_MS = 9000;

const holder = globalThis as typeof globalThis & { __redriveShutdownInstalled?: boolean };

/** Installs the signal handlers once per process (the server's boot, or a worker process in tests). */
export function installShutdown(deadlineMs: number): void {
  if (holder.__redriveShutdownInstalled) return;
  holder.__redriveShutdownInstalled = true;
  onShutdown({ name: "brokers", run: async () => void (await closeBrokers()) });
  onShutdown({ name: "store", run: async () => void (await closeStore()) });

  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) {
      log.warn("shutdown already under way; SIGKILL stops at once (jobs then resume when their leases lapse)", { signal });
      return;
    }
    started = true;
    markShuttingDown();
    const backstop = setTimeout(() => {
      log.error("shutdown did not finish in time; exiting anyway", { seconds: (deadlineMs + BACKSTOP_AFTER_DEADLINE_MS) / 1000 });
      process.exit(1);
    }, deadlineMs + BACKSTOP_AFTER_DEADLINE_MS);
    backstop.unref();
    runShutdown(signal, deadlineMs).then(
      (ok) => process.exit(ok ? 0 : 1),
      (e: unknown) => {
        log.error("shutdown failed", { error: describeError(e) });
        process.exit(1);
      },
    );
  };
  // Next.js's own handler closes the HTTP server and exits (143) as soon as requests are answered,
  // which would cut the publishes awaiting confirms. Ours takes its place; requests are still
  // served until the process exits.
  process.env.NEXT_MANUAL_SIG_HANDLE = "1";
  for (const signal of SIGNALS) {
    for (const l of process.listeners(signal)) process.removeListener(signal, l);
    process.on(signal, handle);
  }
}
