import "server-only";
import { ConfigError, getConfig } from "@/lib/config";
import { getClusterMonitor } from "@/lib/clusters/get-cluster-monitor";
import { getStore } from "@/lib/db/get-store";
import { getCollector } from "@/lib/dead-letters/collector/get-collector";
import { getSampler } from "@/lib/health/sampler/get-sampler";
import { getJobRunner } from "@/lib/redrive/get-job-runner";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";

export async function bootServer(): Promise<void> {
  let config;
  try {
    config = getConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`\nRedrive cannot start.\n${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  log.info("configuration loaded", {
    source: config.source,
    clusters: config.clusters.map((c) => `${c.name} (${c.kind})`),
    store: config.database.kind === "postgres" ? "postgres (DATABASE_URL)" : `embedded (${config.database.dataDir})`,
  });
  // The store opening late is survivable (pages say so and it is retried); a broken schema is not.
  await getStore().catch((e: unknown) => log.error("store unavailable at start-up; will retry on demand", { error: describeError(e) }));
  await getClusterMonitor();
  startSamplerWhenStoreIsUp(config.sampler.intervalMs);
}

/** Without a store there is nowhere to put samples or letters: keep trying on the sampling interval. */
function startSamplerWhenStoreIsUp(retryMs: number): void {
  Promise.all([getSampler(), getCollector(), getJobRunner()]).catch((e: unknown) => {
    log.error("sampler not started: store unavailable; retrying", { error: describeError(e) });
    setTimeout(() => startSamplerWhenStoreIsUp(retryMs), retryMs).unref();
  });
}
