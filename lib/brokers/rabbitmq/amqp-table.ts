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
  if (typeof v === "object") return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k.replace(/\u0000/g, ""), encodeAmqpTable(x, depth + 1)]));
  return v;
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
