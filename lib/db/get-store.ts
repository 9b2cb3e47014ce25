import "server-only";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { openStore, type Store } from "./open-store";

// One store per process, kept on globalThis so dev-mode module reloads do not open a second one.
// A failed open is not cached: the next caller tries again (the database may have come back).
const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store> };

export function getStore(): Promise<Store> {
  if (!holder.__redriveStore) {
    const opening = openStore(getConfig().database).then(
      (store) => {
        const m = store.migrations;
        log.info("store ready", { kind: store.kind, applied: m.applied, alreadyApplied: m.alreadyApplied.length });
        for (const w of m.warnings) log.warn(w);
        return store;
      },
      (e: unknown) => {
        holder.__redriveStore = undefined;
        throw e;
      },
    );
    holder.__redriveStore = opening;
  }
  return holder.__redriveStore;
}

/** The store if this process has opened (or is opening) it; undefined otherwise. For writers that must never open it themselves. */
export function getOpenedStore(): Promise<Store> | undefined {
  return holder.__redriveStore;
}
