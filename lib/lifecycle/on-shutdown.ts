import "server-only";

// What a replica does on SIGTERM/SIGINT, in order. Each part of the server registers its own step
// when it starts (so a part that never started has nothing to stop); install-shutdown runs them.

/** The order steps run in: work stops first, connections and the store last. */
export const SHUTDOWN_ORDER = { jobs: 10, collector: 20, sampler: 30, notifier: 40, monitor: 45, brokers: 50, store: 60 } as const;

export type ShutdownStep = {
  name: keyof typeof SHUTDOWN_ORDER;
  /**
   * Stops the part. `deadline` (epoch ms) is when publishes still awaiting their confirms are given
   * up; the returned sentence, if any, is logged with the step's timing.
   */
  run: (deadline: number) => Promise<string | void>;
};

const holder = globalThis as typeof globalThis & { __redriveShutdownSteps?: Map<string, ShutdownStep> };

/** Registers (or replaces: dev-mode reloads) the step that stops one part of the server. */
export function onShutdown(step: ShutdownStep): void {
  holder.__redriveShutdownSteps ??= new Map();
  holder.__redriveShutdownSteps.set(step.name, step);
}

/** The registered steps, in the order they run. */
export function shutdownSteps(): ShutdownStep[] {
  return [...(holder.__redriveShutdownSteps?.values() ?? [])].sort((a, b) => SHUTDOWN_ORDER[a.name] - SHUTDOWN_ORDER[b.name]);
}
