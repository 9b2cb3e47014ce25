import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { openStore, type Store } from "./open-store";

// One store per process, kept on globalThis so dev-mode module reloads do not open a second one.
// A failed open is not cached: the next caller tries again (the database may have come back).
const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store>; __redriveStoreClosed?: boolean };

export function getStore(): Promise<Store> {
  // Closed on the way out: a request arriving in the last moments must not open it again.
  if (holder.__redriveStoreClosed) return Promise.reject(new AppError("STORE_UNAVAILABLE", "Redrive is shutting down and its store is closed; try again on another replica or after the restart."));
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

/**
 * Closes the process's store, if it was opened (the last step of a shutdown). The one place the
 * server closes it, so whatever a clean close needs lives in Store.close.
 */
export async function closeStore(): Promise<void> {
  holder.__redriveStoreClosed = true;
  const opening = holder.__redriveStore;
  holder.__redriveStore = undefined;
  const store = await opening?.catch(() => null);
  await store?.close();
}

/** The store if this process has opened (or is opening) it; undefined otherwise. For writers that must never open it themselves. */
export function getOpenedStore(): Promise<Store> | undefined {
  return holder.__redriveStore;
}
