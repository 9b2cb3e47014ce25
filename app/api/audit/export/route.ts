import { exportAuditEvents } from "@/lib/audit/export-audit-events";
import { auditExportQuery } from "@/lib/audit/audit-list-query";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "export the audit log", permission: "audit:read", query: auditExportQuery }, async ({ query, principal, address }) => {
  const out = await exportAuditEvents(query, principal, address);
  return new Response(out.body, {
    status: 200,
    headers: {
      "content-type": out.contentType,
      "content-disposition": `attachment; filename="${out.filename}"`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      "x-redrive-audit-up-to": out.upTo ?? "",
    },
  });
});
