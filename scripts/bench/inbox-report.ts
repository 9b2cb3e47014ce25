import type { InboxFigures } from "./inbox";
import { int, ms, ratio, type Summary } from "./stats";

const lat = (s: Summary) => `${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)}`;
const STORE = { postgres: "PostgreSQL", embedded: "the embedded store (PGlite)" } as const;

/** The inbox section: every kind next to its target and the statement as the inbox ran it before. */
export function renderInbox(all: InboxFigures[]): string[] {
  const first = all[0];
  if (!first) return [];
  const out = [
    `## Inbox at scale: ${all.map((f) => `${int(f.rows)} letters on ${STORE[f.store]}`).join(", ")}`,
    "",
    `Letters inserted by SQL (\`generate_series\`, then \`VACUUM ANALYZE\`, the settled table autovacuum leaves): ~290-byte JSON payloads,`,
    "1,000 cause fingerprints over 40 sources and 4 reasons, 50 tenants in an `x-tenant` header, one message id each, captured over 30 days, 1 in 10 already requeued.",
    "`listLetters` (lib/dead-letters/list-letters.ts) and `listLetterGroups` called in-process, one after another, after one warm-up call each;",
    "up to 20 calls or ~8 s per kind (at least 3). **before**: the statement as the inbox ran it before its search indexes and group counts",
    "(header filter as `headers ->> key = value`; text search with no index scan allowed; groups by counting every letter, then its hourly arrivals), same data, same run.",
    "Baseline: the first-page query as one raw SQL statement through the same store. “vs baseline” = p50 ÷ baseline p50; “speed-up” = before p50 ÷ p50.",
  ];
  out.push(
    "",
    "Where the groups time goes: the group counts (a few thousand rows) hold each group's letters, bounces and first and last arrival, so",
    "ordering the 1,000 equal-sized groups by last arrival reads no letter; what is left is the last 24 h of arrivals of the 500 groups shown,",
    "one index-only scan of the (fingerprint, captured_at) index (about 16,500 entries here, at any inbox size past 33,000 letters).",
  );
  for (const f of all) {
    out.push(
      "",
      `### ${STORE[f.store]}: ${int(f.rows)} letters (inserted in ${ms(f.insertMs)})${f.rssMiB !== null ? `; bench process RSS with the store open: ${int(f.rssMiB)} MiB` : ""}`,
      "",
      "| request | n | p50 | p95 | max | items | target p95 | met | before p50 | before p95 | speed-up | vs baseline |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: |",
      ...f.kinds.map((k) => {
        const target = k.targetP95 === null ? "as today" : `≤ ${ms(k.targetP95)}`;
        const met = k.targetP95 === null ? "" : k.latency.p95 <= k.targetP95 ? "yes" : "**no**";
        const before = k.before ? `${ms(k.before.p50)} | ${ms(k.before.p95)} | ${ratio(k.before.p50, k.latency.p50)}` : "| |";
        return `| ${k.label} | ${k.latency.n} | ${lat(k.latency)} | ${int(k.items)} | ${target} | ${met} | ${before} | ${ratio(k.latency.p50, f.baseline.p50)} |`;
      }),
      `| baseline: raw SQL first page, same store | ${f.baseline.n} | ${lat(f.baseline)} | 50 | | | | | | 1.00 |`,
    );
  }
  return out;
}
