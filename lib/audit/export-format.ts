import type { AuditEntry } from "./types";

// The export's two formats, written row by row so an export of millions of rows streams.
//
// CSV (RFC 4180): a header line, then one line per entry, CRLF line ends, UTF-8 without a byte
// order mark. A cell is quoted when it holds a comma, a double quote (doubled inside), CR or LF,
// or starts or ends with a space. A cell starting with = + - @ TAB or CR gets a leading
// apostrophe, so a spreadsheet shows it as text instead of running it as a formula. request and
// detail are the JSON text the hash covers; an empty cell is NULL.
//
// JSON: one array of entries (the API's shape: request and detail as JSON values), one entry per
// line. An export cut short is not valid JSON, so a truncated download cannot pass for a whole one.

export const CSV_COLUMNS = ["id", "at", "actor", "address", "action", "phase", "intent_id", "target", "cluster_id", "cluster", "request", "result", "detail", "prev_hash", "hash"] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | null): string {
  if (value === null || value === "") return "";
  const v = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]|^ | $/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(",")}\r\n`;
}

/** One CSV line; `requestText`/`detailText` are the jsonb texts the hash covers. */
export function csvLine(e: AuditEntry, requestText: string, detailText: string | null): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string | null> = {
    id: e.id,
    at: e.at,
    actor: e.actor,
    address: e.address,
    action: e.action,
    phase: e.phase,
    intent_id: e.intentId,
    target: e.target,
    cluster_id: e.clusterId,
    cluster: e.cluster,
    request: requestText,
    result: e.result,
    detail: detailText,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
  return `${CSV_COLUMNS.map((c) => csvCell(cells[c])).join(",")}\r\n`;
}

export function jsonOpen(): string {
  return "[\n";
}

export function jsonItem(e: AuditEntry, first: boolean): string {
  return `${first ? "" : ",\n"}${JSON.stringify(e)}`;
}

export function jsonClose(empty: boolean): string {
  return empty ? "]\n" : "\n]\n";
}
