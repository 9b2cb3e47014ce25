// AMQP header tables as JSON without losing what amqplib needs to write them back: typed values
// ({"!": "timestamp", value}) pass through as they are; byte arrays become {"!": "bytes", base64}.
// PostgreSQL's jsonb holds no NUL character: a string with one becomes {"!": "string", base64} (a
// single such header used to fail the whole batch, and so stop collection of its DLQ); a NUL in a
// header *name* is dropped.

export function encodeAmqpTable(v: unknown, depth = 0): unknown {
  if (depth > 30) return null;
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { "!": "bytes", base64: Buffer.from(v).toString("base64") };
  if (typeof v === "bigint") return { "!": "int64", value: v.toString() };
  if (typeof v === "string" && v.includes("\u0000")) return { "!": "string", base64: Buffer.from(v, "utf8").toString("base64") };
  if (Array.isArray(v)) return v.map((x) => encodeAmqpTable(x, depth + 1));
  if (typeof v === "object") {
    // A plain loop: this runs for every header of every collected letter.
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) setOwn(out, k.includes("\u0000") ? k.replace(/\u0000/g, "") : k, encodeAmqpTable(x, depth + 1));
    return out;
  }
  return v;
}

/** As Object.fromEntries sets a key: a header named "__proto__" is an own property, not the object's prototype. */
function setOwn(o: Record<string, unknown>, k: string, value: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}

export function decodeAmqpTable(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (Array.isArray(v)) return v.map(decodeAmqpTable);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o["!"] === "bytes" && typeof o.base64 === "string") return Buffer.from(o.base64, "base64");
    if (o["!"] === "string" && typeof o.base64 === "string") return Buffer.from(o.base64, "base64").toString("utf8");
    if (o["!"] === "int64" && typeof o.value === "string") return { "!": "int64", value: Number(o.value) };
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeAmqpTable(x)]));
  }
  return v;
}
