import "server-only";
import { ConfigError, getConfig } from "@/lib/config";
import { startChainHeadLog } from "@/lib/audit/log-chain-head";
// Registers audit:verify with the embedded store's control socket, before the store opens.
import "@/lib/audit/verify-chain";
import { ensureFirstAdmin } from "@/lib/auth/ensure-first-admin";
import { getClusterMonitor } from "@/lib/clusters/get-cluster-monitor";
import { getStore } from "@/lib/db/get-store";
import { isStoreFolderBusy } from "@/lib/db/store-folder/claim-store-folder";
import { getCollector } from "@/lib/dead-letters/collector/get-collector";
import { getSampler } from "@/lib/boot/get-sampler";
import { getNotifier } from "@/lib/notifications/get-notifier";
import { getJobRunner } from "@/lib/redrive/get-job-runner";
import { installShutdown } from "@/lib/lifecycle/install-shutdown";
import { markWorkersStarted } from "@/lib/lifecycle/are-workers-started";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";

/** Exit code of a start refused because another process owns the embedded store (sysexits EX_CANTCREAT). */
const STORE_IN_USE_EXIT = 73;

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
  // Before anything starts work: a SIGTERM from here on lets work finish and hands it back.
  installShutdown(config.shutdown.deadlineMs);
  if (!config.auth.peerHeader) {
    log.warn("started without Redrive's server (npm start runs server.mjs): client addresses come from X-Forwarded-For, which a client can write itself, so the per-address sign-in limit and the audit log's addresses are only as good as what clients say");
  }
  if (!config.auth.publicOrigin) {
    log.warn("publicUrl is not configured: state-changing requests are checked against the Host they were sent to, which a DNS-rebinding page can choose; set publicUrl to the address operators use");
  }
  // The store opening late is survivable (pages say so and it is retried); a broken schema is not,
  // and neither is an embedded store another process owns: this one stops at once and says whose it is.
  const storeUp = await getStore().then(
    () => true,
    (e: unknown) => {
      if (isStoreFolderBusy(e)) {
        console.error(`\nRedrive cannot start.\n${e.message}\n`);
        process.exit(STORE_IN_USE_EXIT);
      }
      log.error("store unavailable at start-up; will retry on demand", { error: describeError(e) });
      return false;
    },
  );
  // Before serving: the first admin exists (or the setup link is printed) by the time anyone can sign in.
  if (storeUp) await ensureFirstAdmin().catch((e: unknown) => log.error("could not check for a first admin", { error: describeError(e) }));
  await getClusterMonitor();
  startSamplerWhenStoreIsUp(config.sampler.intervalMs, !storeUp);
}

/** Without a store there is nowhere to put samples or letters: keep trying on the sampling interval. */
function startSamplerWhenStoreIsUp(retryMs: number, firstAdminToo: boolean): void {
  Promise.all([firstAdminToo ? ensureFirstAdmin() : null, getNotifier(), getSampler(), getCollector(), getJobRunner(), getStore()]).then(
    ([, , , , , store]) => {
      markWorkersStarted();
      log.info("workers started");
      // Anchors for audit:verify, kept wherever the log goes.
      void startChainHeadLog(store.prisma);
    },
    (e: unknown) => {
      log.error("sampler not started: store unavailable; retrying", { error: describeError(e) });
      setTimeout(() => startSamplerWhenStoreIsUp(retryMs, firstAdminToo), retryMs).unref();
    },
  );
}
