/** Wait before retry n (1 = the first retry): backoff, doubling each time, at most maxBackoff. */
export function retryDelayMs(retry: number, backoffMs: number, maxBackoffMs: number): number {
  return Math.min(maxBackoffMs, backoffMs * 2 ** Math.max(0, retry - 1));
}
