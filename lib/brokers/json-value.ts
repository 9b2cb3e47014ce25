// Turning broker-native values into what the store and the UI can hold: JSON-safe, with bytes
// kept exact elsewhere. Pure and client-safe; drivers use it on what their SDK hands them.

const utf8Strict = new TextDecoder("utf-8", { fatal: true });
const utf8Lenient = new TextDecoder("utf-8", { fatal: false });

export const PAYLOAD_TEXT_LIMIT = 64 * 1024;

export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The payload as text for search and previews: invalid sequences replaced, NULs dropped (PostgreSQL text holds none). */
export function payloadText(bytes: Uint8Array, limit = PAYLOAD_TEXT_LIMIT): string {
  return utf8Lenient.decode(bytes.subarray(0, limit)).replace(/\u0000/g, "");
}

/** A header or property value as JSON: Buffers as text when valid UTF-8 (else base64), AMQP timestamps as ISO. */
export function toJsonValue(v: unknown, depth = 0): unknown {
  if (depth > 20) return "[nested too deep]";
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return v.includes("\u0000") ? v.replace(/\u0000/g, "\\u0000") : v;
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return isUtf8(v) ? payloadText(v, v.length) : { base64: Buffer.from(v).toString("base64") };
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x, depth + 1));
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    // amqplib's typed values: {"!": "timestamp", value: seconds} and friends.
    if (typeof o["!"] === "string" && "value" in o) {
      return o["!"] === "timestamp" && typeof o.value === "number" ? new Date(o.value * 1000).toISOString() : toJsonValue(o.value, depth + 1);
    }
    // A plain loop (every header of every collected letter passes here); "__proto__" stays an own key, as with Object.fromEntries.
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      const key = k.includes("\u0000") ? k.replace(/\u0000/g, "") : k;
      const value = toJsonValue(x, depth + 1);
      if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }
  return String(v);
}
