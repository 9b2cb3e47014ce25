import { describeError } from "@/lib/errors";

export type CleanupStep = { label: string; ms: number; error: string | null };

/**
 * What the bench made, undone in reverse order. Every step runs even when an earlier one failed;
 * `leftovers` names what still exists, for a forced exit or a failed step.
 */
export class Cleanup {
  private readonly steps: Array<{ label: string; keepable: boolean; run: () => Promise<unknown> }> = [];
  private ran = false;
  private readonly kept: string[] = [];

  /** `keepable` steps are skipped with --keep (broker objects, the database); connections always close. */
  add(label: string, run: () => Promise<unknown>, keepable = false): void {
    this.steps.push({ label, keepable, run });
  }

  /** Before `run`: everything it would remove; after: what --keep left in place. */
  leftovers(): string[] {
    return this.ran ? [...this.kept] : this.steps.filter((s) => s.keepable).map((s) => s.label);
  }

  async run(keep: boolean, log: (line: string) => void): Promise<CleanupStep[]> {
    if (this.ran) return [];
    this.ran = true;
    const done: CleanupStep[] = [];
    for (const step of [...this.steps].reverse()) {
      if (keep && step.keepable) {
        log(`kept: ${step.label}`);
        this.kept.push(step.label);
        continue;
      }
      const started = performance.now();
      let error: string | null = null;
      try {
        await step.run();
      } catch (e) {
        error = describeError(e);
        log(`cleanup failed: ${step.label}: ${error}`);
      }
      done.push({ label: step.label, ms: Math.round(performance.now() - started), error });
    }
    return done;
  }
}
