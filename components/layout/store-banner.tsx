import type { StoreHealth } from "@/lib/health/get-system-health";

/** Says so when Redrive's own store is down: history and actions are unavailable until it returns. */
export function StoreBanner({ store }: { store: StoreHealth }) {
  if (store.ok) return null;
  return (
    <p role="alert" className="mb-4 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:bg-rose-500/10 dark:text-rose-200">
      Redrive&apos;s store is unavailable: {store.error} Live broker status still works; history and actions wait until the store is back.
    </p>
  );
}
