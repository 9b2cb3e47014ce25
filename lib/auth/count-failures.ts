import "server-only";
import { auditTarget, type AuditAction } from "@/lib/audit/actions";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { RedriveConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

// Wrong passwords are counted from the audit log, whichever door they came through (sign-in, or a
// password change with a wrong current password): per account, per address, and all together.
// The account is the one the name matched — PostgreSQL's lower() decides which names reach an
// account, so every spelling that reaches it counts against it (see accountTarget).

export const FAILURE_ACTIONS: AuditAction[] = ["auth.sign-in", "user.password"];

type Limits = Pick<RedriveConfig["auth"], "signInFailuresPerAccount" | "signInFailuresPerAddress" | "signInFailuresTotal" | "signInWindowMs">;

export type FailureCounts = { account: number; address: number; total: number };
export type LimitReached = "account" | "address" | "total";

/** The audit target of an account: from its stored name (names never change), so one per account. */
export function accountTarget(storedName: string): string {
  return auditTarget.user(storedName);
}

export async function countFailures(prisma: PrismaClient, key: { account: string; address: string | null }, limits: Limits): Promise<FailureCounts> {
  const failures = { action: { in: FAILURE_ACTIONS }, result: "refused", at: { gte: new Date(Date.now() - limits.signInWindowMs) } };
  const [account, address, total] = await Promise.all([
    prisma.auditEvent.count({ where: { ...failures, target: key.account } }),
    key.address ? prisma.auditEvent.count({ where: { ...failures, address: key.address } }) : Promise.resolve(0),
    prisma.auditEvent.count({ where: failures }),
  ]);
  return { account, address, total };
}

export function limitReached(counts: FailureCounts, limits: Limits): LimitReached | null {
  if (counts.account >= limits.signInFailuresPerAccount) return "account";
  if (counts.address >= limits.signInFailuresPerAddress) return "address";
  if (counts.total >= limits.signInFailuresTotal) return "total";
  return null;
}

/** The 429 for a limit reached, in words, with Retry-After. */
export function limitError(reached: LimitReached, limits: Limits): AppError {
  const minutes = Math.ceil(limits.signInWindowMs / 60_000);
  const wait = `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const why =
    reached === "account"
      ? `Too many failed sign-ins for this account (wrong passwords, at sign-in or when changing it). Wait ${wait} and try again, or ask an admin.`
      : reached === "address"
        ? `Too many failed sign-ins from this address. Wait ${wait} and try again, or ask an admin.`
        : `Too many failed sign-ins across Redrive as a whole, from every address together: signing in is paused for everyone. Wait up to ${wait} and try again; sessions already open and API tokens keep working.`;
  return new AppError("TOO_MANY_REQUESTS", why, { details: { retryAfterSeconds: Math.ceil(limits.signInWindowMs / 1000) } });
}
