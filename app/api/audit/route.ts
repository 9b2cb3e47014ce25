import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { auditListQuery } from "@/lib/audit/audit-list-query";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list the audit log", permission: "audit:read", query: auditListQuery }, ({ query }) => listAuditEvents(query));
