import type { ManagementStatus } from "@/lib/brokers/types";

/** The Management API line of a cluster card: it answering, refusing (and why), or silent are three different problems. */
export function describeManagement(m: ManagementStatus): string {
  if (m.ok) return `answers (${m.version ?? "?"})`;
  switch (m.httpStatus) {
    case 401:
      return "refused the credentials (401)";
    case 403:
      return "refused this user (403: needs the monitoring tag)";
    case null:
    case undefined:
      return "not answering";
    default:
      return `refused (HTTP ${m.httpStatus})`;
  }
}
