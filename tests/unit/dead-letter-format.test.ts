import { describe, expect, it } from "vitest";
import { sortDeathsNewestFirst } from "@/components/dead-letters/death-timeline";
import { formatBytes, formatExactBytes, formatLocalTime, neutraliseBidi, payloadShapeLabel, previewLine } from "@/components/dead-letters/format";
import { deadLettersHref, EMPTY_FILTERS, hasLetterFilters, inboxParamsToQuery, letterHref, parseInboxParams } from "@/components/dead-letters/list-params";
import {
  decodeBase64,
  decodeText,
  defaultPayloadTab,
  ExactNumber,
  hexDumpLines,
  looksLikeJson,
  parseJson,
  parsePayloadTab,
} from "@/components/dead-letters/payload";
import type { Death } from "@/lib/dead-letters/types";
import { deadLetterListUrl, isHeaderFilter, letterFilterParams } from "@/lib/queries/use-dead-letters";
import { letterGroupsUrl } from "@/lib/queries/use-letter-groups";

const b64 = (bytes: number[]) => Buffer.from(bytes).toString("base64");

describe("base64 and text", () => {
  it("decodes base64 to the exact bytes, including zero and high bytes", () => {
    const bytes = [0, 1, 127, 128, 200, 255, 10, 13];
    expect([...decodeBase64(b64(bytes))!]).toEqual(bytes);
    expect(decodeBase64("")!.length).toBe(0);
  });

  it("tolerates line breaks and says null for text that is not base64", () => {
    expect([...decodeBase64("aGVs\nbG8=")!]).toEqual([...Buffer.from("hello")]);
    expect(decodeBase64("not base64!!")).toBeNull();
  });

  it("decodes UTF-8 and replaces invalid sequences instead of failing", () => {
    expect(decodeText(new Uint8Array(Buffer.from("héllo ✓")))).toBe("héllo ✓");
    expect(decodeText(new Uint8Array([0x61, 0xff, 0x62]))).toBe("a\uFFFDb");
  });
});

describe("hex dump", () => {
  it("prints 16 bytes a line with offset, two groups of eight and printable ASCII", () => {
    const lines = hexDumpLines(new Uint8Array(Buffer.from("Hello, world!\n\u0000ABC")));
    expect(lines).toEqual([
      "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 41  |Hello, world!..A|",
      "00000010  42 43                                             |BC|",
    ]);
  });

  it("keeps every line the same width up to the ascii column, and counts offsets from a start", () => {
    const lines = hexDumpLines(new Uint8Array(40).fill(0xab), 0x100);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.startsWith("00000100  ab")).toBe(true);
    expect(lines[2]!.startsWith("00000120  ab")).toBe(true);
    expect(lines.map((l) => l.indexOf("|"))).toEqual([60, 60, 60]);
    expect(hexDumpLines(new Uint8Array(0))).toEqual([]);
  });
});

describe("JSON", () => {
  it("parses documents and reports the error of broken ones", () => {
    const ok = parseJson('{"a":[1,true,null,"x"]}');
    expect(ok).toMatchObject({ ok: true, value: { a: [1, true, null, "x"] } });
    const bad = parseJson('{"a":');
    expect(bad.ok).toBe(false);
  });

  it("never shows a rounded number as if it were the payload's", () => {
    const r = parseJson('{"id": 12345678901234567890, "n": 7}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const id = (r.value as Record<string, unknown>).id;
    // Where the runtime gives revivers the source text, the digits are kept exactly; elsewhere the viewer warns.
    if (id instanceof ExactNumber) {
      expect(id.source).toBe("12345678901234567890");
      expect(r.lossyNumbers).toBe(false);
    } else {
      expect(r.lossyNumbers).toBe(true);
    }
    expect((r.value as Record<string, unknown>).n).toBe(7);
  });

  it("treats a JSON content type or a leading { or [ as worth parsing", () => {
    expect(looksLikeJson("application/json; charset=utf-8", "42")).toBe(true);
    expect(looksLikeJson("application/vnd.api+json", "")).toBe(true);
    expect(looksLikeJson(null, '  {"a":1}')).toBe(true);
    expect(looksLikeJson("text/plain", "[1]")).toBe(true);
    expect(looksLikeJson("text/plain", "hello")).toBe(false);
  });

  it("opens bytes that are not UTF-8 as hex, parsed documents as JSON, the rest as text", () => {
    expect(defaultPayloadTab(false, false)).toBe("hex");
    expect(defaultPayloadTab(true, true)).toBe("json");
    expect(defaultPayloadTab(true, false)).toBe("text");
    expect(parsePayloadTab("hex")).toBe("hex");
    expect(parsePayloadTab("<script>")).toBeNull();
  });
});

describe("sizes, shapes and previews", () => {
  it("shows sizes in binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(256 * 1024)).toBe("256 KiB");
    expect(formatBytes(10 * 1024 * 1024)).toBe("10 MiB");
    expect(formatBytes(10239)).toBe("10 KiB");
    expect(formatBytes(-1)).toBe("—");
    expect(formatExactBytes(10485760)).toBe("10,485,760 bytes");
    expect(formatExactBytes(1)).toBe("1 byte");
  });

  it("names payload shapes in words", () => {
    expect(payloadShapeLabel("json{orderId,amount}")).toBe("JSON {orderId, amount}");
    expect(payloadShapeLabel("json{}")).toBe("JSON {}");
    expect(payloadShapeLabel("json[]")).toBe("JSON array");
    expect(payloadShapeLabel("json")).toBe("JSON");
    expect(payloadShapeLabel("text")).toBe("Text");
    expect(payloadShapeLabel("binary")).toBe("Binary");
    expect(payloadShapeLabel("")).toBe("Empty");
    expect(payloadShapeLabel("missing")).toBe("Payload missing");
    expect(payloadShapeLabel("xml<order>")).toBe("xml<order>");
  });

  it("makes a one-line preview: whitespace collapsed, controls and bidi overrides visible, capped", () => {
    expect(previewLine("a\n  b\tc")).toBe("a b c");
    expect(previewLine("\u0000PNG\u001a")).toBe("\uFFFDPNG\uFFFD");
    expect(previewLine("abc\u202Edef")).toBe("abc\uFFFDdef");
    expect(previewLine("x".repeat(300), 10)).toBe("xxxxxxxxx…");
    expect(previewLine("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
    expect(neutraliseBidi("a\u2066b\nc")).toBe("a\uFFFDb\nc");
  });

  it("shows only the clock for today and the date for earlier days", () => {
    const now = new Date(2025, 5, 15, 12, 0, 0).getTime();
    expect(formatLocalTime(new Date(2025, 5, 15, 9, 5, 7).toISOString(), now, "en-GB")).toBe("09:05:07");
    expect(formatLocalTime(new Date(2025, 5, 14, 9, 5, 7).toISOString(), now, "en-GB")).toMatch(/14 Jun/);
    expect(formatLocalTime(new Date(2024, 5, 14, 9, 5, 7).toISOString(), now, "en-GB")).toMatch(/2024/);
    expect(formatLocalTime(null, now)).toBe("—");
  });

  it("orders deaths newest first, undated ones last in the broker's order", () => {
    const d = (reason: string, at: string | null): Death => ({ reason, source: "q", exchange: null, routingKeys: [], count: 1, at });
    const sorted = sortDeathsNewestFirst([d("a", "2025-01-01T00:00:00Z"), d("b", null), d("c", "2025-01-02T00:00:00Z"), d("e", null)]);
    expect(sorted.map((x) => x.reason)).toEqual(["c", "a", "b", "e"]);
  });
});

describe("URL parameters", () => {
  it("reads every filter, dropping unknown states and unreadable times", () => {
    const sp = new URLSearchParams(
      "view=groups&cluster=prod&source=%2F%2Forders&reason=rejected&state=dead,bogus,TERMINATED&from=2025-01-01T10:00:00Z&to=nope&header=x-error:timeout&messageId=m-1&q=%20abc%20&fingerprint=fp1",
    );
    expect(parseInboxParams(sp)).toEqual({
      view: "groups",
      filters: {
        cluster: "prod",
        source: "//orders",
        reason: "rejected",
        states: ["dead", "terminated"],
        from: "2025-01-01T10:00:00.000Z",
        to: undefined,
        header: "x-error:timeout",
        messageId: "m-1",
        q: "abc",
        fingerprint: "fp1",
      },
    });
  });

  it("defaults to the letters view with no filters, and drops a window that ends before it starts", () => {
    const p = parseInboxParams(new URLSearchParams("view=<x>&from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z"));
    expect(p.view).toBe("letters");
    expect(p.filters).toEqual({ ...EMPTY_FILTERS, cluster: undefined, source: undefined, reason: undefined, header: undefined, messageId: undefined, fingerprint: undefined });
    expect(hasLetterFilters(p.filters)).toBe(false);
  });

  it("round-trips through the query string, leaving defaults out", () => {
    const params = parseInboxParams(new URLSearchParams("view=groups&state=requeued,dead&q=x&header=k:v&from=2025-01-01T10:00:00.000Z"));
    const qs = inboxParamsToQuery(params);
    expect(qs).toBe("view=groups&state=dead%2Crequeued&from=2025-01-01T10%3A00%3A00.000Z&header=k%3Av&q=x");
    expect(parseInboxParams(new URLSearchParams(qs))).toEqual(params);
    expect(inboxParamsToQuery({ view: "letters", filters: EMPTY_FILTERS })).toBe("");
  });

  it("builds links to the inbox and to a letter", () => {
    expect(deadLettersHref()).toBe("/dead-letters");
    expect(deadLettersHref({ fingerprint: "abc" })).toBe("/dead-letters?fingerprint=abc");
    expect(deadLettersHref({ cluster: "c" }, "groups")).toBe("/dead-letters?view=groups&cluster=c");
    expect(letterHref("a/b?c")).toBe("/dead-letters/a%2Fb%3Fc");
  });

  it("asks the API with the same filters, a cursor and a page size; a header without key:value is not sent", () => {
    expect(isHeaderFilter("x-error:timeout")).toBe(true);
    expect(isHeaderFilter("k:")).toBe(true);
    expect(isHeaderFilter(":v")).toBe(false);
    expect(isHeaderFilter("x-error")).toBe(false);
    const f = { ...EMPTY_FILTERS, cluster: "c", states: ["dead" as const], header: "nocolon", q: "t" };
    expect(letterFilterParams(f).toString()).toBe("cluster=c&state=dead&q=t");
    expect(deadLetterListUrl(f, null)).toBe("/api/dead-letters?cluster=c&state=dead&q=t&limit=50");
    expect(deadLetterListUrl(f, "abc=")).toBe("/api/dead-letters?cluster=c&state=dead&q=t&cursor=abc%3D&limit=50");
    expect(letterGroupsUrl(EMPTY_FILTERS)).toBe("/api/dead-letters/groups");
    expect(letterGroupsUrl({ ...EMPTY_FILTERS, fingerprint: "f" })).toBe("/api/dead-letters/groups?fingerprint=f");
  });
});

describe("retries", () => {
  it("does not ask again for what the server refused, but retries once on network and server errors", async () => {
    const { ApiError } = await import("@/lib/queries/fetch-json");
    const { retryUnlessRefused } = await import("@/lib/queries/use-dead-letters");
    expect(retryUnlessRefused(0, new ApiError("bad filter", 400, "BAD_REQUEST"))).toBe(false);
    expect(retryUnlessRefused(0, new ApiError("gone", 404, "NOT_FOUND"))).toBe(false);
    expect(retryUnlessRefused(0, new ApiError("slow down", 429, "RATE"))).toBe(true);
    expect(retryUnlessRefused(0, new ApiError("down", 503, "UNAVAILABLE"))).toBe(true);
    expect(retryUnlessRefused(1, new ApiError("down", 503, "UNAVAILABLE"))).toBe(false);
    expect(retryUnlessRefused(0, new Error("offline"))).toBe(true);
  });
});
