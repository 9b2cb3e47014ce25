import "server-only";
import { Counter, Histogram, Registry } from "prom-client";

// Figures only this process knows (how long its sampler ticks take, how its webhooks answer). The
// sampler runs in the instrumentation bundle and /api/metrics in the route bundle: each has its own
// copy of every module, so the registry lives on globalThis, where both find the same one.

export type ProcessMetrics = {
  registry: Registry;
  samplerTickSeconds: Histogram<"leader">;
  samplerSweepErrors: Counter<"cluster">;
  samplerTicks: Counter<"leader">;
  notificationAttempts: Counter<"channel" | "result">;
};

const holder = globalThis as typeof globalThis & { __redriveProcessMetrics?: ProcessMetrics };

export function getProcessMetrics(): ProcessMetrics {
  if (!holder.__redriveProcessMetrics) {
    const registry = new Registry();
    holder.__redriveProcessMetrics = {
      registry,
      samplerTickSeconds: new Histogram({
        name: "redrive_sampler_tick_duration_seconds",
        help: "How long one sampler tick took in this process: the leader lock, every cluster's sweep and retention upkeep.",
        labelNames: ["leader"],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        registers: [registry],
      }),
      samplerTicks: new Counter({ name: "redrive_sampler_ticks_total", help: "Sampler ticks run by this process.", labelNames: ["leader"], registers: [registry] }),
      samplerSweepErrors: new Counter({
        name: "redrive_sampler_sweep_errors_total",
        help: "Cluster sweeps of this process's sampler that failed (broker unreadable or the store write failed).",
        labelNames: ["cluster"],
        registers: [registry],
      }),
      notificationAttempts: new Counter({
        name: "redrive_notification_attempts_total",
        help: "Webhook delivery attempts made by this process, by channel and result (ok or error).",
        labelNames: ["channel", "result"],
        registers: [registry],
      }),
    };
  }
  return holder.__redriveProcessMetrics;
}
