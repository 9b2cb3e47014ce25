import "server-only";
import { AppError } from "@/lib/errors";
import { listDlqFlows } from "./list-dlq-flows";
import type { DlqDetail } from "./types";

/** One DLQ (or NATS capture stream) by its permanent id. */
export async function getDlq(id: string): Promise<DlqDetail> {
  const flow = (await listDlqFlows()).find((f) => f.id === id);
  if (!flow) throw new AppError("NOT_FOUND", "Redrive knows no dead-letter queue with this id. It may belong to a cluster no longer configured.");
  const { clusterId: _c, ...rest } = flow;
  return rest;
}
