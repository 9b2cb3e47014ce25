import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { PageHeader } from "@/components/layout/page-header";
import { requirePagePermission } from "@/lib/auth/require-page-permission";

export const metadata: Metadata = { title: "Audit" };

export default async function Page() {
  await requirePagePermission("audit:read");
  return (
    <>
      <PageHeader
        title="Audit"
        description={
          <>
            Every action taken through Redrive: who, when, from where, on what, and how it went. The log is append-only and hash-chained;{" "}
            <code className="font-mono text-xs">npm run audit:verify</code> checks that nothing in it was changed or removed.
          </>
        }
      />
      {/* The filters are read from the URL, which only the browser has at render time. */}
      <Suspense fallback={<p className="py-12 text-center text-sm text-zinc-500">Loading the audit log…</p>}>
        <AuditLogView />
      </Suspense>
    </>
  );
}
