import "server-only";
import { letterFiltersQuery, type LetterFiltersQuery } from "./letter-list-query";

// The filters every inbox view shares, turned into one SQL WHERE clause.

// The schema is the inbox's contract, shared with the client hooks and the page's URL.
export const letterFilters = letterFiltersQuery;
export type LetterFilters = LetterFiltersQuery;

/**
 * A header value as JSON when it is a number, boolean, array or object: the headers index is asked
 * for that too, since `->>` prints such values as text the operator may have typed (5, true).
 */
function jsonValue(value: string): string | null {
  if (value.includes("\\u0000")) return null; // PostgreSQL's jsonb holds no NUL: never stored, never matched
  try {
    const v: unknown = JSON.parse(value);
    return v !== null && typeof v !== "string" ? value : null;
  } catch {
    return null;
  }
}

/**
 * `d` is dead_letters (or `table`, for a table with the same filter columns), `c` clusters.
 * Returns the clause (without WHERE) and its parameters from $1. With `searchJoined`, the statement
 * already joins the letters' dead_letter_search row as `ls`, and the text, header and time filters read it.
 */
export function whereClause(f: LetterFilters, firstParam = 1, table = "d", searchJoined = false): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${firstParam + params.length - 1}`;
  };
  const d = table;
  // The searched text and its indexes live in dead_letter_search (written once per letter), so a
  // job's updates of dead_letters never touch them: see migration 20261206170000_letter_search_table.
  const searched = (cond: string) =>
    searchJoined ? cond : `EXISTS (SELECT 1 FROM "dead_letter_search" ls WHERE ls."letter_id" = ${d}."id" AND ${cond})`;
  if (f.cluster) parts.push(`c."name" = ${p(f.cluster)}`);
  if (f.source) parts.push(`${d}."source" = ${p(f.source)}`);
  if (f.reason) parts.push(`${d}."reason" = ${p(f.reason)}`);
  if (f.state.length) parts.push(`${d}."state" = ANY(${p(f.state)}::text[])`);
  // Joined to its search row, a letter's arrival is read there (the same time, kept by the search
  // table's triggers), so a header filter's walk of the search table's time index stops at `from`.
  const at = searchJoined ? `ls."captured_at"` : `${d}."captured_at"`;
  if (f.from) parts.push(`${at} >= ${p(f.from)}::timestamptz`);
  if (f.to) parts.push(`${at} < ${p(f.to)}::timestamptz`);
  if (f.header) {
    const i = f.header.indexOf(":");
    const name = f.header.slice(0, i).trim();
    const text = f.header.slice(i + 1).trim();
    // A header matches when its text (->>) is the value, as it always did. For a string header that
    // is containment (@>) of the value as a JSON string, which the headers index answers and the
    // planner estimates from statistics; a number, boolean, array or object prints as JSON, so the
    // value as the JSON it spells is asked for too, checked against the text.
    // The string is one jsonb constant: jsonb_build_object is only stable, so a filter that walks
    // the letters (a common value) built it again for every row, most of that walk's time on the
    // embedded store. A NUL cannot be in jsonb: it keeps the built form and fails as it did.
    const json = jsonValue(text);
    if (/\u0000/.test(name + text) || json !== null) {
      const key = p(name);
      const value = p(text);
      const asString = `ls."headers" @> jsonb_build_object(${key}::text, ${value}::text)`;
      parts.push(
        searched(
          json === null
            ? asString
            : `(${asString} OR (ls."headers" @> jsonb_build_object(${key}::text, ${p(json)}::jsonb) AND ls."headers" ->> ${key}::text = ${value}::text))`,
        ),
      );
    } else {
      parts.push(searched(`ls."headers" @> ${p(JSON.stringify({ [name]: text }))}::jsonb`));
    }
  }
  if (f.messageId) parts.push(`${d}."message_id" = ${p(f.messageId)}`);
  if (f.q) parts.push(searched(`ls."payload_text" ILIKE ${p("%" + f.q.replace(/[\\%_]/g, (m) => "\\" + m) + "%")}`));
  if (f.fingerprint) parts.push(`${d}."fingerprint" = ${p(f.fingerprint)}`);
  if (f.collectedFrom) parts.push(`${d}."collected_from" = ${p(f.collectedFrom)}`);
  if (f.bouncedFromJob) parts.push(`${d}."bounced_from_job_id" = ${p(f.bouncedFromJob)}::uuid`);
  return { sql: parts.length ? parts.join(" AND ") : "TRUE", params };
}
