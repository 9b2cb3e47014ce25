/** A rate limit says something only about a job of more than one letter: one letter goes out at once, whatever the rate. */
export function rateMatters(job: { total: number }): boolean {
  return job.total > 1;
}
