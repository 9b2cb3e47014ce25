import "server-only";
import { getOpenedStore } from "@/lib/db/get-store";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";
import { recordEvent, type AuditEvent } from "./record-event";
import { RefusalSampler, type RefusalSummary } from "./refusal-sampler";

// The process's sampler for refused requests (see refusal-sampler.ts). Writing never fails the
// answer and never opens the store: a refusal while the store is away is only counted in the log.
// Only rows within the bounds are waited for; the rest cost nothing.

type Holder = { sampler: RefusalSampler; timer: NodeJS.Timeout };
const holder = globalThis as typeof globalThis & { __redriveRefusals?: Holder };

function get(): Holder {
  if (!holder.__redriveRefusals) {
    const sampler = new RefusalSampler();
    // A quiet minute after a busy one still leaves its summary.
    const timer = setInterval(() => void write(sampler.roll(Date.now()), null), 60_000);
    timer.unref();
    holder.__redriveRefusals = { sampler, timer };
  }
  return holder.__redriveRefusals;
}

/** Records a refused request of kind `key` ("<route>|<reason>") — in full while under the per-minute bounds. */
export function recordRefusal(key: string, event: AuditEvent): Promise<void> {
  const { write: full, summary } = get().sampler.note(key, Date.now());
  return write(summary, full ? event : null);
}

function write(summary: RefusalSummary | null, event: AuditEvent | null): Promise<void> {
  if (!summary && !event) return Promise.resolve();
  const opened = getOpenedStore();
  if (!opened) {
    if (summary) log.warn("refused requests left out of the audit log (no store)", { dropped: summary.dropped });
    return Promise.resolve();
  }
  return opened
    .then(async ({ prisma }) => {
      if (summary) {
        await recordEvent(prisma, {
          actor: "system",
          action: "auth.refused",
          result: "summary",
          detail: { windowStart: summary.windowStart.toISOString(), windowSeconds: summary.windowMs / 1000, written: summary.written, dropped: summary.dropped },
        });
      }
      if (event) await recordEvent(prisma, event);
    })
    .catch((e: unknown) => log.warn("a refused request could not be audited", { error: describeError(e), action: event?.action }));
}
