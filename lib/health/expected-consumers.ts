// Expected consumers: consumers the configuration says must exist and be attached. One that is
// absent, or has fewer consumers attached than asked for, is MISSING — even one the broker never
// had, which gets a placeholder row so lists, metrics and rules see it like any other. Pure.

import { globMatch } from "@/lib/glob-match";

export type Expectation = {
  cluster: string;
  /** "stream/consumer" or "vhost/queue" exactly, or a pattern where "*" matches anything. */
  key: string;
  minConsumers: number;
};

export const isPattern = (key: string) => key.includes("*");

export function matches(e: Expectation, key: string): boolean {
  return isPattern(e.key) ? globMatch(e.key, key) : e.key === key;
}

/** The strictest expectation covering a consumer key (the highest minimum), if any. */
export function expectationFor(list: readonly Expectation[], key: string): Expectation | null {
  let best: Expectation | null = null;
  for (const e of list) if (matches(e, key) && (!best || e.minConsumers > best.minConsumers)) best = e;
  return best;
}

/** Expectations no consumer on the broker satisfies by name: each becomes a placeholder row keyed by its name or pattern. */
export function unmetByName(list: readonly Expectation[], keys: readonly string[]): Expectation[] {
  return list.filter((e) => !keys.some((k) => matches(e, k)));
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** The MISSING reason for a consumer that exists but has too few attached; null when it has enough. */
export function detachedReason(e: Expectation, consumerCount: number, backlog: number): string | null {
  if (consumerCount >= e.minConsumers) return null;
  const waiting = backlog > 0 ? `, backlog ${new Intl.NumberFormat("en-US").format(backlog)}` : "";
  return consumerCount === 0
    ? `expected ${plural(e.minConsumers, "consumer")} attached, none is${waiting}`
    : `expected ${plural(e.minConsumers, "consumer")} attached, ${consumerCount} ${consumerCount === 1 ? "is" : "are"}${waiting}`;
}

/** The MISSING reason for an expectation nothing on the broker matches. */
export function absentReason(e: Expectation, goneSince: Date | null): string {
  const what = isPattern(e.key) ? `no consumer matching ${e.key}` : `${e.key} does not exist`;
  return goneSince ? `${what} on the broker (gone since ${goneSince.toISOString()}); it is expected` : `${what} on the broker; it is expected`;
}

/** "ORDERS/worker-*" → parent "ORDERS", name "worker-*" (a placeholder row's labels). */
export function splitKey(key: string): { parent: string; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { parent: "", name: key } : { parent: key.slice(0, i), name: key.slice(i + 1) };
}
