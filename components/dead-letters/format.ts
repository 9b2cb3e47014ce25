// Pure formatting for dead letters: sizes, payload shapes, one-line previews, states and times.

import type { LetterState } from "@/lib/dead-letters/types";
import type { Tone } from "@/components/ui/badge";
import type { BrokerKind } from "@/lib/brokers/contracts";

export const LETTER_STATE_LABEL: Record<LetterState, string> = { dead: "Dead", requeued: "Requeued", terminated: "Terminated" };
export const LETTER_STATE_TONE: Record<LetterState, Tone> = { dead: "bad", requeued: "ok", terminated: "neutral" };
export const LETTER_STATE_HINT: Record<LetterState, string> = {
  dead: "Still dead: nothing has been done with it yet",
  requeued: "Sent back to its destination, and the broker confirmed it",
  terminated: "Closed out: kept here for the retention period, not sent back",
};

/** What each broker's reasons mean, for a tooltip. Unknown reasons are shown as they are. */
export const REASON_HINT: Record<string, string> = {
  rejected: "A consumer rejected it (nack or reject without requeue)",
  expired: "Its time to live ran out in the queue",
  maxlen: "The queue was full and dropped it from the head",
  delivery_limit: "Delivered more times than the quorum queue's delivery limit",
  max_deliveries: "Delivered max_deliver times without an ack",
  terminated: "A consumer terminated it (AckTerm)",
};
export const KNOWN_REASONS = Object.keys(REASON_HINT);

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/** 512 → "512 B", 1536 → "1.5 KiB", 262144 → "256 KiB", 10485760 → "10 MiB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return "—";
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${Math.round(v)} B`;
  // One decimal below 10 ("1.5 KiB"); whole numbers above; never "10.0".
  const rounded = Math.round(v * 10) / 10;
  const text = rounded < 10 ? String(rounded) : String(Math.round(v));
  return `${text} ${UNITS[u]}`;
}

/** "10,485,760 bytes", for hover and notes where the exact count matters. */
export function formatExactBytes(n: number): string {
  return `${n.toLocaleString("en-US")} byte${n === 1 ? "" : "s"}`;
}

/**
 * The fingerprint's payload shape in words: "json{orderId,amount}" → "JSON {orderId, amount}",
 * "json[…]" → "JSON array", "text" → "Text", "binary" → "Binary". Unknown shapes stay as they are.
 */
export function payloadShapeLabel(shape: string): string {
  const s = shape.trim();
  if (s === "") return "Empty";
  const lower = s.toLowerCase();
  if (lower === "text") return "Text";
  if (lower === "binary") return "Binary";
  if (lower === "empty") return "Empty";
  if (lower === "missing") return "Payload missing";
  if (lower.startsWith("json")) {
    const rest = s.slice(4).trim();
    if (rest === "") return "JSON";
    if (rest.startsWith("{") && rest.endsWith("}")) {
      const keys = rest
        .slice(1, -1)
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean);
      return keys.length ? `JSON {${keys.join(", ")}}` : "JSON {}";
    }
    if (rest.startsWith("[")) return "JSON array";
    return `JSON ${rest}`;
  }
  return s;
}

// C0/C1 controls (but not whitespace) and the bidirectional overrides that could make a payload
// read differently from what it is (a "Trojan Source" trick): shown as a visible replacement.
const UNPRINTABLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of payload text for a table cell: whitespace collapsed, controls made visible, capped. */
export function previewLine(text: string, max = 240): string {
  const line = text.replace(UNPRINTABLE, "\uFFFD").replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * A table cell's payload preview. Text reads as text; a payload that is not (bytes that are not UTF-8,
 * which decode to U+FFFD, or mostly control characters) reads "binary, 18 B · 89 50 4e 47 …" from its
 * first bytes, instead of a row of replacement characters.
 */
export function payloadPreview(text: string, headHex: string, size: number, max = 240): string {
  const sample = text.slice(0, 200);
  const controls = (sample.match(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g) ?? []).length;
  const binary = sample.includes("\uFFFD") || (sample.length > 0 && controls / sample.length > 0.1);
  if (!binary) return previewLine(text, max);
  const bytes = (headHex.match(/../g) ?? []).join(" ");
  return `binary, ${formatBytes(size)}${bytes ? ` · ${bytes}${size > 16 ? " …" : ""}` : ""}`;
}

/** Replaces only the bidirectional controls, for multi-line text that is otherwise shown as it is. */
export function neutraliseBidi(text: string): string {
  return text.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "\uFFFD");
}

/**
 * A time in the operator's local zone, short: "14:02:11" today, "Nov 20, 14:02" earlier this
 * year, "Nov 20, 2024, 14:02" before that.
 */
export function formatLocalTime(iso: string | null | undefined, nowMs: number, locale?: string): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  const now = new Date(nowMs);
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const sameYear = d.getFullYear() === now.getFullYear();
  return d.toLocaleString(locale, {
    month: "short",
    day: "numeric",
    ...(sameYear ? {} : { year: "numeric" }),
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** The full local date and time with the zone, for hovers and the detail page. */
export function formatFullLocalTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "—" : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/**
 * A DLQ's name as an operator reads it. RabbitMQ's are stored as "vhost/queue": the default vhost "/"
 * would read "//orders.dlq", so it is left out ("orders.dlq"); another vhost stays ("shop/orders.dlq").
 * A NATS capture stream is its name.
 */
export function dlqDisplayName(kind: BrokerKind, name: string): string {
  switch (kind) {
    case "rabbitmq":
      return name.startsWith("//") ? name.slice(2) : name;
    case "nats":
      return name;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * A letter's source or destination as an operator reads it: "//orders" (RabbitMQ's default vhost "/")
 * reads "orders". Kind-free because only a RabbitMQ "vhost/queue" on vhost "/" starts with "//": a
 * NATS "stream/consumer" cannot (stream names hold no "/").
 */
export function sourceDisplayName(name: string): string {
  return name.startsWith("//") ? name.slice(2) : name;
}

/** Free text naming RabbitMQ queues (a job's description): "//orders" on vhost "/" reads "orders" there too. */
export function withoutDefaultVhost(text: string): string {
  return text.replace(/(^|[\s(,])\/\/(?=[^\s/])/g, "$1");
}
