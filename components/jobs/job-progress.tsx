import { formatCount } from "@/components/consumers/format";
import { formatProgress, jobProgress, OUTCOME_LABEL } from "@/components/redrive/format";
import type { JobCounts } from "@/lib/redrive/types";

const SEGMENT_COLOR = {
  done: "bg-emerald-500 dark:bg-emerald-400",
  failed: "bg-rose-600 dark:bg-rose-500",
  unknown: "bg-amber-500 dark:bg-amber-400",
  skipped: "bg-zinc-400 dark:bg-zinc-500",
} as const;

/**
 * Letters handled (done, failed, unknown, skipped) out of the job's total, one colour per outcome,
 * so a bar that is full of red reads differently from one full of green.
 */
export function JobProgress({ counts, total, label, size = "md" }: { counts: JobCounts; total: number; label: string; size?: "sm" | "md" }) {
  const p = jobProgress(counts, total);
  const text = formatProgress(p);
  return (
    <div
      role="progressbar"
      data-testid="job-progress"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={p.processed}
      aria-valuetext={`${text}: ${p.segments
        .filter((s) => s.count > 0)
        .map((s) => `${formatCount(s.count)} ${OUTCOME_LABEL[s.outcome].toLowerCase()}`)
        .join(", ") || "none handled yet"}`}
      title={text}
      className={`flex w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800 ${size === "sm" ? "h-1.5" : "h-3"}`}
    >
      {p.segments.map((s) =>
        s.ratio > 0 ? <div key={s.outcome} className={`h-full ${SEGMENT_COLOR[s.outcome]} transition-[width] duration-500`} style={{ width: `${s.ratio * 100}%` }} /> : null,
      )}
    </div>
  );
}
