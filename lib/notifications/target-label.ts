import type { IncidentTarget } from "./types";
import { BROKER_LABELS } from "@/lib/brokers/contracts";

/** A target in words: "queue orders (vhost /) on prod-rmq". */
export function targetLabel(t: IncidentTarget): string {
  switch (t.type) {
    case "consumer":
      return `${BROKER_LABELS[t.kind].consumer} ${t.name} (${BROKER_LABELS[t.kind].parent} ${t.parent}) on ${t.cluster}`;
    case "dlq":
      return `${BROKER_LABELS[t.kind].deadLetterSource} ${t.name} on ${t.cluster}`;
    case "source":
      return `queue ${t.source} on ${t.cluster}`;
    case "job":
      return `Job ${t.number}`;
  }
}
