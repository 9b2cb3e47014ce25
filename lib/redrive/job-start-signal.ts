import "server-only";

// A job started in this process is announced to this process's runner, which takes it at once
// instead of at its next poll (up to half a second later). Other replicas still find it by polling.
// Kept on globalThis: the route that starts a job and the boot code that runs the runner may be
// bundled as separate module instances in one process.

const holder = globalThis as typeof globalThis & { __redriveJobStartSignal?: EventTarget };

/** Dispatches "started" events (no detail: the runner looks for every job it may take). */
export const jobStartSignal: EventTarget = (holder.__redriveJobStartSignal ??= new EventTarget());
