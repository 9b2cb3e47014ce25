"use client";

import Link from "next/link";
import { useCan } from "@/components/auth/session-provider";
import { auditHref } from "./list-params";

/** "Audit trail" for a letter or a job, shown to roles that may read the audit log. */
export function AuditTrailLink({ letter, job, testId, title }: { letter?: string; job?: string; testId: string; title: string }) {
  if (!useCan("audit:read")) return null;
  return (
    <Link href={auditHref(letter ? { letter } : { job })} className="text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400" data-testid={testId} title={title}>
      Audit trail
    </Link>
  );
}
