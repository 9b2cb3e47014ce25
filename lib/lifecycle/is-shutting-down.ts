import "server-only";

// Kept on globalThis: route handlers and the instrumentation hook may be bundled apart in one process.
const holder = globalThis as typeof globalThis & { __redriveShuttingDown?: boolean };

/** True from the moment SIGTERM/SIGINT arrives: probes then tell load balancers to stop sending requests. */
export function isShuttingDown(): boolean {
  return holder.__redriveShuttingDown === true;
}

export function markShuttingDown(): void {
  holder.__redriveShuttingDown = true;
}
