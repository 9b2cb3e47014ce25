// What the store and the UI make of broker values (the conversions themselves are the drivers':
// lib/brokers/json-value.ts). Pure; no server imports.

export { isUtf8, PAYLOAD_TEXT_LIMIT, payloadText, toJsonValue } from "@/lib/brokers/json-value";

/** Header names producers use for the error that killed a message. */
const ERROR_HEADERS = ["x-error", "x-exception", "x-exception-message", "x-last-error", "error", "x-error-message", "exception"];

export function errorTextOf(headers: Record<string, unknown>): string | null {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const name of ERROR_HEADERS) {
    const v = lower.get(name);
    if (v === undefined || v === null) continue;
    const text = typeof v === "string" ? v : JSON.stringify(v);
    return text.slice(0, 500);
  }
  return null;
}
