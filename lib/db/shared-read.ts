import "server-only";

// Summaries every open console polls (the inbox totals on the Overview, the cause groups) scan the
// whole inbox: at a million letters that is a second or two of PostgreSQL each. Callers asking for
// the same one at once share a single query, and its answer serves them for a few seconds more, so
// fifty consoles cost what one does. Errors are not kept.

type Entry = { settledAt: number | null; value: Promise<unknown> };
const holder = globalThis as typeof globalThis & { __redriveSharedReads?: Map<string, Entry> };
const MAX_KEYS = 200;

export function sharedRead<T>(key: string, ttlMs: number, read: () => Promise<T>): Promise<T> {
  const cache = (holder.__redriveSharedReads ??= new Map());
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && (hit.settledAt === null || now - hit.settledAt < ttlMs)) return hit.value as Promise<T>;
  if (cache.size >= MAX_KEYS) {
    for (const [k, e] of cache) if (e.settledAt !== null && now - e.settledAt >= ttlMs) cache.delete(k);
    // Still full of answers inside their time (a long ttlMs and many keys): the oldest settled go first.
    for (const [k, e] of cache) {
      if (cache.size < MAX_KEYS) break;
      if (e.settledAt !== null) cache.delete(k);
    }
  }
  const entry: Entry = { settledAt: null, value: read() };
  cache.set(key, entry);
  entry.value.then(
    () => (entry.settledAt = Date.now()),
    () => cache.get(key) === entry && cache.delete(key),
  );
  return entry.value as Promise<T>;
}
