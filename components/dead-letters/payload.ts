// Payload bytes for the viewer: decoded from the API's base64 in the browser, shown as text, JSON
// or a hex dump. Payloads are hostile: nothing here produces markup, only strings and values.

export const HEX_BYTES_PER_LINE = 16;
/** The hex tab renders at most this much; the rest is in the download. */
export const HEX_RENDER_LIMIT = 64 * 1024;
/** The text tab renders at most this many characters at first. */
export const TEXT_RENDER_LIMIT = 256 * 1024;
/** Larger documents are not parsed in the browser: the Text tab and the download show them. */
export const JSON_PARSE_LIMIT = 8 * 1024 * 1024;

/** base64 → bytes; null when the text is not base64. */
export function decodeBase64(b64: string): Uint8Array | null {
  let bin: string;
  try {
    bin = atob(b64.replace(/\s+/g, ""));
  } catch {
    return null;
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Bytes as UTF-8 text; invalid sequences become U+FFFD rather than failing. */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes);
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, "0");
}

/**
 * Classic hex dump lines, 16 bytes each: "00000010  7b 22 69 64 22 3a 20 31  32 7d 0a           |{"id": 12}.|".
 * Offsets are of the whole payload (`startOffset` for a later slice); printable ASCII shows as
 * itself, everything else as ".".
 */
export function hexDumpLines(bytes: Uint8Array, startOffset = 0): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += HEX_BYTES_PER_LINE) {
    const chunk = bytes.subarray(i, i + HEX_BYTES_PER_LINE);
    let hex = "";
    let ascii = "";
    for (let j = 0; j < HEX_BYTES_PER_LINE; j++) {
      const b = chunk[j];
      if (j === 8) hex += " ";
      hex += b === undefined ? "   " : `${hex2(b)} `;
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    }
    lines.push(`${(startOffset + i).toString(16).padStart(8, "0")}  ${hex} |${ascii}|`);
  }
  return lines;
}

/**
 * A JSON number whose text would change if it went through a double (ids beyond 2^53, "1.0",
 * "1e400"): kept as the document wrote it, so the tree never shows a number that is not there.
 */
export class ExactNumber {
  constructor(readonly source: string) {}
  toString(): string {
    return this.source;
  }
}

export type JsonParse = { ok: true; value: unknown; lossyNumbers: boolean } | { ok: false; error: string };

type ReviverContext = { source?: string };

/**
 * JSON.parse, guarded. Where the browser tells a reviver the source text of each value (Chrome
 * 114+, Firefox 135+), numbers that a double would alter are kept as `ExactNumber`; elsewhere
 * `lossyNumbers` says some may have been rounded, so the viewer can point to the Text tab.
 */
export function parseJson(text: string): JsonParse {
  let sawSource = false;
  let value: unknown;
  try {
    value = JSON.parse(text, function (this: unknown, _key: string, v: unknown, context?: ReviverContext) {
      if (typeof v !== "number") return v;
      const source = context?.source;
      if (source === undefined) return v;
      sawSource = true;
      return String(v) === source ? v : new ExactNumber(source);
    } as (this: unknown, key: string, value: unknown) => unknown);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const lossyNumbers = !sawSource && /(?:^|[^\w.])-?\d{16,}/.test(text);
  return { ok: true, value, lossyNumbers };
}

/** Whether the payload is worth trying as JSON: a JSON content type, or text that starts like a document. */
export function looksLikeJson(contentType: string | null, text: string): boolean {
  if (contentType && /\bjson\b/i.test(contentType)) return true;
  const first = text.trimStart()[0];
  return first === "{" || first === "[";
}

export const PAYLOAD_TABS = ["json", "text", "hex"] as const;
export type PayloadTab = (typeof PAYLOAD_TABS)[number];

/** Bytes that are not UTF-8 open as hex; a document that parses opens as JSON; the rest as text. */
export function defaultPayloadTab(isUtf8: boolean, jsonOk: boolean): PayloadTab {
  if (!isUtf8) return "hex";
  return jsonOk ? "json" : "text";
}

export function parsePayloadTab(v: string | null): PayloadTab | null {
  return v === "json" || v === "text" || v === "hex" ? v : null;
}
