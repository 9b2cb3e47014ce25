import "server-only";
import type { Authenticated } from "./authenticate";

// A session checked against the store is trusted for SESSION_CACHE_MS more without asking again:
// under many requests at once the lookup (a store round trip per API call) was a large share of
// what each request cost. Bounded on purpose: a session ended or an account disabled or demoted
// by another replica (or straight in the database) is refused within this time. In this process
// it is at once: sign-out, account changes and password changes evict here (forgetSession,
// forgetUser). Idle and absolute limits are checked against the row's own times on every hit,
// and a hit whose lastSeenAt is due for its touch goes back to the store (authenticate.ts).
// Kept on globalThis: one cache per process, whichever route bundle imported this module.

export const SESSION_CACHE_MS = 1000;
const MAX_ENTRIES = 10_000;

export type CachedSession = { principal: Authenticated & { sessionId: string }; lastSeenAt: number; expiresAt: number; checkedAt: number };

const holder = globalThis as typeof globalThis & { __redriveSessionCache?: Map<string, CachedSession>; __redriveSessionEvictions?: Map<string, number> };
const cache = (holder.__redriveSessionCache ??= new Map());
// When a session ("s:<id>") or an account ("u:<id>") was last evicted: a check that began before
// that (its store read may predate the change) is answered but not remembered. Kept for
// SESSION_CACHE_MS, after which such a check would have aged out anyway.
const evictions = (holder.__redriveSessionEvictions ??= new Map());

function evicted(key: string, now: number): void {
  for (const [k, at] of evictions) if (now - at > SESSION_CACHE_MS) evictions.delete(k);
  evictions.set(key, now);
}

/** The session under this token hash if it was checked within SESSION_CACHE_MS; null otherwise. */
export function cachedSession(tokenHash: string, now: number): CachedSession | null {
  const hit = cache.get(tokenHash);
  if (!hit) return null;
  if (now - hit.checkedAt >= SESSION_CACHE_MS || now < hit.checkedAt) {
    cache.delete(tokenHash);
    return null;
  }
  return hit;
}

export function rememberSession(tokenHash: string, entry: CachedSession): void {
  const since = Math.max(evictions.get(`s:${entry.principal.sessionId}`) ?? -Infinity, evictions.get(`u:${entry.principal.id}`) ?? -Infinity);
  if (since >= entry.checkedAt) return;
  if (cache.size >= MAX_ENTRIES) {
    for (const [k, v] of cache) if (entry.checkedAt - v.checkedAt >= SESSION_CACHE_MS) cache.delete(k);
    if (cache.size >= MAX_ENTRIES) cache.clear();
  }
  cache.set(tokenHash, entry);
}

/** Evicts one session (signed out, or found ended). */
export function forgetSession(sessionId: string): void {
  evicted(`s:${sessionId}`, Date.now());
  for (const [k, v] of cache) if (v.principal.sessionId === sessionId) cache.delete(k);
}

/** Evicts every session of an account whose role, state or password changed. */
export function forgetUser(userId: string): void {
  evicted(`u:${userId}`, Date.now());
  for (const [k, v] of cache) if (v.principal.id === userId) cache.delete(k);
}
