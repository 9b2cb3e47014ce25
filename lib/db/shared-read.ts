import "server-only";

// Summaries every open console polls (the inbox totals on the Overview, the cause groups, a big
// running job's counts) cost the store a scan each. Callers asking for the same one at once share a
// single read, and its answer serves them for a while more, so fifty consoles cost what one does.
// A read under way is joined, not repeated; a failed read is never kept.

type Entry = { settledAt: number | null; value: Promise<unknown> };
const MAX_KEYS = 200;

export class SharedReads {
  private readonly cache = new Map<string, Entry>();

  /** `now`: a monotonic clock in ms (tests pass their own). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  private live(key: string, ttlMs: number, now: number): Entry | undefined {
    const hit = this.cache.get(key);
    return hit && (hit.settledAt === null || now - hit.settledAt < ttlMs) ? hit : undefined;
  }

  private keep(key: string, ttlMs: number, now: number, value: Promise<unknown>): void {
    const cache = this.cache;
    if (cache.size >= MAX_KEYS) {
      for (const [k, e] of cache) if (e.settledAt !== null && now - e.settledAt >= ttlMs) cache.delete(k);
      // Still full of answers inside their time (a long ttlMs and many keys): the oldest settled go first.
      for (const [k, e] of cache) {
        if (cache.size < MAX_KEYS) break;
        if (e.settledAt !== null) cache.delete(k);
      }
    }
    const entry: Entry = { settledAt: null, value };
    cache.set(key, entry);
    value.then(
      () => (entry.settledAt = this.now()),
      () => cache.get(key) === entry && cache.delete(key),
    );
  }

  /** The answer of `read` for `key`: one under way, or one that arrived less than `ttlMs` ago, else a new read. */
  one<T>(key: string, ttlMs: number, read: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.live(key, ttlMs, now);
    if (hit) return hit.value as Promise<T>;
    const value = read();
    this.keep(key, ttlMs, now, value);
    return value;
  }

  /**
   * Many keyed answers from one read: each id whose key has a live answer joins it; the others are
   * read together in one call of `read` (an id it leaves out gets `missing()`), and of those, the
   * ones `share` accepts are kept for the next callers. The rest are read on every call.
   */
  async many<T>(o: {
    ids: string[];
    key: (id: string) => string;
    ttlMs: number;
    read: (ids: string[]) => Promise<Map<string, T>>;
    missing: () => T;
    share: (id: string) => boolean;
  }): Promise<Map<string, T>> {
    const now = this.now();
    const joined = new Map<string, Promise<T>>();
    const fresh: string[] = [];
    for (const id of o.ids) {
      const hit = this.live(o.key(id), o.ttlMs, now);
      if (hit) joined.set(id, hit.value as Promise<T>);
      else fresh.push(id);
    }
    const read = fresh.length ? o.read(fresh) : Promise.resolve(new Map<string, T>());
    const valueIn = (m: Map<string, T>, id: string): T => (m.has(id) ? m.get(id)! : o.missing());
    const answer = (id: string) => read.then((m) => valueIn(m, id));
    for (const id of fresh) if (o.share(id)) this.keep(o.key(id), o.ttlMs, now, answer(id));
    // Every caller awaits its own read first: a failure reaches it, never an unhandled rejection.
    const got = await read;
    const out = new Map<string, T>();
    for (const id of fresh) out.set(id, valueIn(got, id));
    for (const [id, p] of joined) out.set(id, await p);
    return out;
  }
}

const holder = globalThis as typeof globalThis & { __redriveSharedReadCache?: SharedReads };
/** The process's shared reads (one instance however many bundles import this module). */
export const sharedReads = (holder.__redriveSharedReadCache ??= new SharedReads());

export function sharedRead<T>(key: string, ttlMs: number, read: () => Promise<T>): Promise<T> {
  return sharedReads.one(key, ttlMs, read);
}
