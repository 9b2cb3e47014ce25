// A write load on the embedded store in a process of its own, for a test to kill: opens the store
// in REDRIVE_DATA_DIR as the server does (claiming the folder), then appends audit events as
// Redrive writes them — one event at a time (sign-ins, user changes) and a job's rows ten to a
// statement — printing "committed <id>" for each row only after its statement has committed,
// until it is killed.
import { insertAuditRowsReturning } from "@/lib/audit/insert-audit-rows";
import { recordEvent } from "@/lib/audit/record-event";
import { openStore } from "@/lib/db/open-store";
import type { AuditAction } from "@/lib/audit/actions";

const dataDir = process.env.REDRIVE_DATA_DIR;
if (!dataDir) throw new Error("REDRIVE_DATA_DIR is not set");
const store = await openStore({ kind: "embedded", dataDir });
process.stdout.write(`ready ${process.pid}\n`);
for (let i = 0; ; i++) {
  const id = await recordEvent(store.prisma, { actor: "load", action: "load.write" as AuditAction, target: `row:${i}`, request: { i, pad: "x".repeat(200) }, result: "ok" });
  process.stdout.write(`committed ${id}\n`);
  const rows = await insertAuditRowsReturning(
    store.prisma,
    Array.from({ length: 10 }, (_, k) => ({ actor: "load", action: "letter.requeue", phase: "intent" as const, target: `letter:${i}-${k}`, request: { job: "load" } })),
  );
  process.stdout.write(rows.map((r) => `committed ${r.id}\n`).join(""));
}
