import "server-only";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";
import { shutdownSteps } from "./on-shutdown";

/** Once the deadline has passed, each later step still gets this long: a connection must close, not hang. */
const STEP_FLOOR_MS = 3000;
/** After the deadline the jobs step still records what the broker did and hands its leases back. */
const JOBS_AFTER_DEADLINE_MS = 5000;

/**
 * Runs the registered steps in order (jobs, collector, sampler, notifier, brokers, store), each
 * logged with its timing. Returns whether every step finished: one that failed or overran is
 * logged and skipped, so the rest still run.
 */
export async function runShutdown(signal: string, deadlineMs: number): Promise<boolean> {
  const started = Date.now();
  const deadline = started + deadlineMs;
  log.info("shutdown started: no new work is taken", { signal, deadlineSeconds: deadlineMs / 1000 });
  let ok = true;
  for (const step of shutdownSteps()) {
    const t0 = Date.now();
    const budget = step.name === "jobs" ? deadline - t0 + JOBS_AFTER_DEADLINE_MS : Math.max(deadline - t0, STEP_FLOOR_MS);
    let timer: NodeJS.Timeout | undefined;
    const overran = new Promise<"overran">((resolve) => (timer = setTimeout(() => resolve("overran"), budget)));
    try {
      const r = await Promise.race([step.run(deadline), overran]);
      if (r === "overran") {
        ok = false;
        log.warn(`shutdown: ${step.name} did not stop within ${Math.round(budget / 100) / 10} s; going on without it`, { step: step.name, ms: Date.now() - t0 });
      } else {
        log.info(`shutdown: ${step.name} stopped`, { step: step.name, ms: Date.now() - t0, ...(r ? { detail: r } : {}) });
      }
    } catch (e) {
      ok = false;
      log.error(`shutdown: ${step.name} failed to stop cleanly; going on`, { step: step.name, ms: Date.now() - t0, error: describeError(e) });
    } finally {
      clearTimeout(timer);
    }
  }
  log.info(ok ? "shutdown complete" : "shutdown finished with problems (see above)", { ms: Date.now() - started });
  return ok;
}
