import "server-only";
import { getProcessMetrics } from "./process-metrics";

/** Feeds one sampler tick into this process's metrics. */
export function recordSamplerTick(tick: { ms: number; leader: boolean; sweeps: Array<{ cluster: string; error: string | null }> }): void {
  const m = getProcessMetrics();
  const leader = tick.leader ? "true" : "false";
  m.samplerTickSeconds.observe({ leader }, tick.ms / 1000);
  m.samplerTicks.inc({ leader });
  for (const s of tick.sweeps) if (s.error) m.samplerSweepErrors.inc({ cluster: s.cluster });
}
