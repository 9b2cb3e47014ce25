import { z } from "zod";
import { getAuditEvent } from "@/lib/audit/get-audit-event";
import { bigintId } from "@/lib/http/bigint-id";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute(
  { action: "show an audit entry", permission: "audit:read", params: z.object({ id: bigintId("must be an audit entry number") }) },
  ({ params }) => getAuditEvent(params.id),
);
