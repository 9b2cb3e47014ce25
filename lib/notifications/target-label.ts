import type { IncidentTarget } from "./types";

/** A target in words: "queue orders (vhost /) on prod-rmq". */
export function targetLabel(t: IncidentTarget): string {
  switch (t.type) {
    case "consumer":
      return t.kind === "rabbitmq" ? `queue ${t.name} (vhost ${t.parent}) on ${t.cluster}` : `consumer ${t.name} (stream ${t.parent}) on ${t.cluster}`;
    case "dlq":
      return t.kind === "rabbitmq" ? `DLQ ${t.name} on ${t.cluster}` : `capture stream ${t.name} on ${t.cluster}`;
    case "source":
      return `queue ${t.source} on ${t.cluster}`;
  }
}
