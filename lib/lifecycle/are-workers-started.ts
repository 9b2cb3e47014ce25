import "server-only";

// Kept on globalThis: route handlers and the instrumentation hook may be bundled apart in one process.
const holder = globalThis as typeof globalThis & { __redriveWorkersStarted?: boolean };

/**
 * True once boot has started this replica's workers (notifier, sampler, collector, job runner): the
 * readiness probe holds traffic back until then, since a replica without them serves stale pages.
 */
export function areWorkersStarted(): boolean {
  return holder.__redriveWorkersStarted === true;
}

export function markWorkersStarted(): void {
  holder.__redriveWorkersStarted = true;
}
