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
  const read = all.map((f) => `${int(f.arrivals.shown)} entries on ${STORE[f.store]} (of its ${int(f.arrivals.lastDay)} letters of the last 24 h)`).join(", ");
  out.push(
    "",
    "Where the groups time goes: the group counts (a few thousand rows) hold each group's letters, bounces and first and last arrival, so",
    "ordering the 1,000 equal-sized groups by last arrival reads no letter; what is left is the last 24 h of arrivals of the 500 groups shown,",
    `one index-only scan of the (fingerprint, captured_at) index, counted after the run: ${read}.`,
    "Once the inbox holds more than a day of letters, that figure no longer grows with it.",
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
  const bursts = all.filter((f) => f.burst);
  if (bursts.length) {
    const b0 = bursts[0]!.burst!;
    out.push(
      "",
      "### A burst on top of the month",
      "",
      `Then, in the same store, an outage's burst: letters captured over the last hour, newer than the whole month (${Math.round((100 * b0.letters) / b0.rows)} % of the letters`,
      `once it landed), one RabbitMQ cluster, ${b0.causeGroups} cause groups, all dead, none with an \`x-tenant\` header: the header filter's values are all older`,
      "than the burst. Inserted by SQL as above. **before** for the header filter: the statement `listLetters` ran before its walk was bounded (one newest-first walk",
      "of the search table until the page is full, so through the whole burst), same data, same run.",
    );
    for (const f of bursts) {
      const b = f.burst!;
      out.push(
        "",
        `#### ${STORE[f.store]}: ${int(b.rows)} letters, ${int(b.letters)} of them in the burst (inserted in ${ms(b.insertMs)}); the groups' 24 h arrivals read ${int(b.arrivals.shown)} entries`,
        "",
        "| request | n | p50 | p95 | max | items | target p95 | met | before p50 | before p95 | speed-up |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: |",
        ...b.kinds.map((k) => {
          const target = k.targetP95 === null ? "as today" : `≤ ${ms(k.targetP95)}`;
          const met = k.targetP95 === null ? "" : k.latency.p95 <= k.targetP95 ? "yes" : "**no**";
          const before = k.before ? `${ms(k.before.p50)} | ${ms(k.before.p95)} | ${ratio(k.before.p50, k.latency.p50)}` : "| |";
          return `| ${k.label} | ${k.latency.n} | ${lat(k.latency)} | ${int(k.items)} | ${target} | ${met} | ${before} |`;
        }),
      );
    }
  }
  return out;
}
