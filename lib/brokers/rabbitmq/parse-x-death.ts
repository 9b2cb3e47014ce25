import { toJsonValue } from "../json-value";
import type { Death } from "../contracts";

// RabbitMQ's x-death header: newest first, one entry per {queue, reason}, `count` repeats.

type Raw = Record<string, unknown>;

function str(v: unknown): string | null {
  const j = toJsonValue(v);
  return typeof j === "string" ? j : j === null ? null : JSON.stringify(j);
}

export function parseXDeath(headers: Record<string, unknown> | undefined): Death[] {
  const raw = headers?.["x-death"];
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((e): e is Raw => !!e && typeof e === "object")
    .map((e) => {
      const keys = e["routing-keys"];
      const at = toJsonValue(e.time);
      const count = Number(toJsonValue(e.count));
      return {
        reason: str(e.reason) ?? "unknown",
        source: str(e.queue) ?? "unknown",
        exchange: str(e.exchange),
        routingKeys: Array.isArray(keys) ? keys.map((k) => str(k) ?? "") : [],
        count: Number.isFinite(count) && count > 0 ? count : 1,
        at: typeof at === "string" && !Number.isNaN(Date.parse(at)) ? at : null,
      };
    });
}
