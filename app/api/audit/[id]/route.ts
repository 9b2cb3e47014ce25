import { z } from "zod";
import { getAuditEvent } from "@/lib/audit/get-audit-event";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute(
  { action: "show an audit entry", permission: "audit:read", params: z.object({ id: z.string().regex(/^[1-9][0-9]{0,18}$/, "must be an audit entry number") }) },
  ({ params }) => getAuditEvent(params.id),
);
