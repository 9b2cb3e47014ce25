import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { openStore, type Store } from "./open-store";

// One store per process, kept on globalThis so dev-mode module reloads do not open a second one.
// A failed open is not cached: the next caller tries again (the database may have come back).
const holder = globalThis as typeof globalThis & { __redriveStore?: Promise<Store>; __redriveStoreClosed?: boolean };

export function getStore(): Promise<Store> {
  // A request arriving during shutdown must not open (and claim) the store again after it was closed.
  if (holder.__redriveStoreClosed) return Promise.reject(new AppError("STORE_UNAVAILABLE", "Redrive is shutting down: its store is closed."));
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
  const opening = holder.__redriveStore;
  holder.__redriveStore = undefined;
  holder.__redriveStoreClosed = true;
  const store = await opening?.catch(() => null);
  await store?.close();
}
