// A canary's default size for a requeue of `total` letters. Client-safe: no server imports.

export type CanarySettings = { letters: number; percent: number; max: number };

/** max(letters, percent of the job, rounded up), at most `max`. */
export function canarySize(total: number, c: CanarySettings): number {
  return Math.min(c.max, Math.max(c.letters, Math.ceil((total * c.percent) / 100)));
}
