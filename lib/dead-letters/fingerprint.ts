import { createHash } from "node:crypto";
import { isUtf8 } from "./encode";

// A cause fingerprint groups letters that died the same way: same source, reason, error (with
// numbers and ids blurred) and payload shape.

/** "json{amount,orderId}", "json[]", "text", "binary", "empty". Keys sorted, top level only. */
export function payloadShape(bytes: Uint8Array | null, contentType: string | null): string {
  if (!bytes) return "missing";
  if (bytes.length === 0) return "empty";
  if (!isUtf8(bytes)) return "binary";
  const text = Buffer.from(bytes).toString("utf8").trim();
  if ((text.startsWith("{") || text.startsWith("[")) && bytes.length <= 1024 * 1024) {
    try {
      const v: unknown = JSON.parse(text);
      if (Array.isArray(v)) return "json[]";
      if (v && typeof v === "object") return `json{${Object.keys(v).sort().slice(0, 12).join(",")}}`;
    } catch {
      // not JSON after all
    }
  }
  return contentType?.includes("json") ? "text (declared json)" : "text";
}

/** Blurs what varies between occurrences of one error: numbers, hex ids, uuids, quoted values. */
export function normaliseError(text: string | null): string {
  if (!text) return "";
  return text
    .toLowerCase()
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/\b[0-9a-f]{16,}\b/g, "<id>")
    .replace(/\d+/g, "#")
    .replace(/(["'])(?:(?!\1).){0,200}\1/g, "<v>")
    .slice(0, 200);
}

export function fingerprint(parts: { cluster: string; source: string; reason: string; errorText: string | null; shape: string }): string {
  return createHash("sha256").update([parts.cluster, parts.source, parts.reason, normaliseError(parts.errorText), parts.shape].join("\u001f")).digest("hex").slice(0, 16);
}
