import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvCell, csvHeader, csvLine, CSV_COLUMNS, jsonClose, jsonItem, jsonOpen } from "@/lib/audit/export-format";
import type { AuditEntry } from "@/lib/audit/types";

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: "42",
  at: "2026-11-21T10:00:00.123Z",
  actor: "alice",
  address: "10.0.0.7",
  action: "letter.requeue",
  phase: "outcome",
  intentId: "41",
  target: "letter:8a0c1c9e-0000-4000-8000-000000000001",
  clusterId: "5f7a6c55-0000-4000-8000-000000000002",
  cluster: "prod-rabbit",
  request: {},
  result: "done",
  detail: { job: "j", detail: null },
  prevHash: "a".repeat(64),
  hash: "b".repeat(64),
  ...over,
});

describe("audit export: CSV", () => {
  it("quotes commas, quotes, line breaks and edge spaces, and leaves plain cells bare", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(null)).toBe("");
    expect(csvCell("")).toBe("");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell(" padded")).toBe('" padded"');
  });

  it("defuses cells a spreadsheet would run as a formula", () => {
    for (const v of ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"]) expect(csvCell(v).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvCell("=HYPERLINK(\"http://x\",\"y\")")).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes lines a CSV parser reads back cell for cell, hostile text included", () => {
    const hostile = entry({ actor: '=cmd|" /C calc"!A0', address: null, result: "line one\r\nline two, \"quoted\"", target: "-x" });
    const text = csvHeader() + csvLine(entry(), "{}", '{"job": "j", "detail": null}') + csvLine(hostile, '{"a": "b,c\\n"}', null);
    const rows = parse(text, { columns: true, relax_column_count: false }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual([...CSV_COLUMNS]);
    expect(rows[0]).toMatchObject({ id: "42", at: "2026-11-21T10:00:00.123Z", intent_id: "41", cluster: "prod-rabbit", request: "{}", detail: '{"job": "j", "detail": null}', prev_hash: "a".repeat(64) });
    expect(rows[1]).toMatchObject({ actor: `'=cmd|" /C calc"!A0`, address: "", result: 'line one\r\nline two, "quoted"', target: "'-x", request: '{"a": "b,c\\n"}', detail: "" });
    expect(text.endsWith("\r\n")).toBe(true);
  });
});

describe("audit export: JSON", () => {
  it("is one valid array, one entry per line, and an empty export is []", () => {
    const a = entry();
    const b = entry({ id: "43", detail: { note: "]\n[" } });
    const text = jsonOpen() + jsonItem(a, true) + jsonItem(b, false) + jsonClose(false);
    expect(JSON.parse(text)).toEqual([a, b]);
    expect(text.split("\n")).toHaveLength(5);
    expect(JSON.parse(jsonOpen() + jsonClose(true))).toEqual([]);
  });
});
