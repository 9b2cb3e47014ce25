import "server-only";
import { auditTarget } from "./actions";
import type { Principal } from "@/lib/permissions";
import { getStore } from "@/lib/db/get-store";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { AuditExportQuery, AuditFilters } from "./audit-list-query";
import { auditWhere } from "./audit-filters";
import { labelTargets } from "./label-targets";
import { AUDIT_ENTRY_COLUMNS, AUDIT_FROM, toAuditEntry, type AuditRow } from "./audit-row";
import { summariseChunk } from "./chunk-summary";
import { csvHeader, csvLine, jsonClose, jsonItem, jsonOpen } from "./export-format";
import { recordEvent } from "./record-event";

export { auditExportQuery, type AuditExportQuery } from "./audit-list-query";

export type AuditExport = {
  filename: string;
  contentType: string;
  /** The last row the export can hold: everything recorded up to the moment it started. */
  upTo: string | null;
  body: ReadableStream<Uint8Array>;
};

const BATCH = 1000;

/**
 * Every entry the filters match, oldest first (chain order), as a CSV or JSON download streamed a
 * batch at a time. It covers the log up to the moment it began: rows written while it streams are
 * left for the next export. The export itself is recorded (action audit.export) before a byte goes
 * out; if that cannot be written, nothing is exported.
 */
export async function exportAuditEvents(q: AuditExportQuery, actor: Principal, address: string | null): Promise<AuditExport> {
  const { prisma } = await getStore();
  const [head] = await prisma.$queryRawUnsafe<Array<{ last_id: string | null }>>(`SELECT "last_id"::text AS last_id FROM "audit_chain_head" WHERE "id" = 1`);
  const upTo = head?.last_id ?? null;
  const { format, ...filters } = q;
  await recordEvent(prisma, { actor: actor.name, address, action: "audit.export", target: auditTarget.auditLog(), request: { format, filters: describeFilters(filters) }, result: "ok", detail: { upTo } });

  const where = auditWhere(filters);
  const encoder = new TextEncoder();
  let after = "0";
  let first = true;
  let done = upTo === null;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format === "csv" ? csvHeader() : jsonOpen()));
    },
    async pull(controller) {
      if (done) {
        if (format === "json") controller.enqueue(encoder.encode(jsonClose(first)));
        controller.close();
        return;
      }
      try {
        const n = where.params.length;
        const rows = await prisma.$queryRawUnsafe<AuditRow[]>(
          `SELECT ${AUDIT_ENTRY_COLUMNS} FROM ${AUDIT_FROM} WHERE ${where.sql} AND a."id" > $${n + 1}::bigint AND a."id" <= $${n + 2}::bigint ORDER BY a."id" LIMIT ${BATCH}`,
          ...where.params,
          after,
          upTo,
        );
        let text = "";
        // JSON carries the API's entries, readable target names included; CSV keeps its fixed columns.
        // A chunk row keeps its letters (the hash covers them) and says how many it names.
        const entries = format === "json" ? await labelTargets(prisma, rows.map((r) => summariseChunk(toAuditEntry(r)))) : rows.map(toAuditEntry);
        rows.forEach((r, i) => {
          const e = entries[i]!;
          text += format === "csv" ? csvLine(e, r.request_text, r.detail_text) : jsonItem(e, first);
          first = false;
        });
        const last = rows[rows.length - 1];
        if (last) after = last.id;
        if (rows.length < BATCH) done = true;
        if (text) controller.enqueue(encoder.encode(text));
      } catch (e) {
        // Cut the download off rather than end it cleanly: a partial export must not look whole.
        log.error("audit export failed while streaming", { error: e, after });
        controller.error(new Error(`the audit export stopped after row ${after}: ${describeError(e)}`));
      }
    },
  });

  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return {
    filename: `redrive-audit-${stamp}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    upTo,
    body,
  };
}

function describeFilters(f: AuditFilters): Record<string, unknown> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}
