import type { Metadata } from "next";
import { AuditEntryView } from "@/components/audit/audit-entry-view";
import { requirePagePermission } from "@/lib/auth/require-page-permission";

export const metadata: Metadata = { title: "Audit entry" };

export default async function AuditEntryPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePagePermission("audit:read");
  const { id } = await params;
  return <AuditEntryView id={decodeSegment(id)} />;
}

/** The id as the API knows it; a malformed escape is left as it came rather than failing the page. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
