import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Store } from "@/lib/db/open-store";
import { describeError } from "@/lib/errors";
import { measureApi, type ApiFigures } from "./api-latency";
import { buildPrivateCopy, startApp } from "./app-server";
import type { Cleanup } from "./cleanup";
import { waitFor } from "./local";
import type { BenchSampler } from "./sweep";

export type AppPhase = { api: ApiFigures | null; apiNote: string | null; build: { ms: number } | null };

/**
 * Builds the app, serves it on the bench database with a config naming only the bench clusters,
 * and measures /api/consumers. A failure here is reported, not fatal: the sweep figures stand.
 */
export async function measureApp(opts: { root: string; bench: BenchSampler; store: Store; databaseUrl: string; queues: number; requests: number; signal: AbortSignal; cleanup: Cleanup; log: (line: string) => void }): Promise<AppPhase> {
  const { signal, cleanup, log } = opts;
  let build: AppPhase["build"] = null;
  try {
    log("app: building a private copy of the sources");
    const t = performance.now();
    const dir = await buildPrivateCopy(opts.root, signal);
    build = { ms: performance.now() - t };
    cleanup.add("the app's build folder", () => rm(dir, { recursive: true, force: true }));
    const { rabbitCluster, natsCluster } = opts.bench;
    const configFile = path.join(dir, "redrive.bench.config.json");
    await writeFile(
      configFile,
      JSON.stringify({
        clusters: [
          { name: natsCluster.name, kind: "nats", servers: natsCluster.servers },
          { name: rabbitCluster.name, kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: rabbitCluster.managementUrl, vhosts: rabbitCluster.vhosts },
        ],
      }),
    );
    log(`app: built in ${Math.round(build.ms / 1000)} s; starting next start`);
    const server = await startApp({ dir, root: opts.root, env: { DATABASE_URL: opts.databaseUrl, REDRIVE_CONFIG: configFile, REDRIVE_LOG_LEVEL: "warn" }, signal });
    cleanup.add(`the app server (pid ${server.pid})`, () => server.stop());
    // The app probes both brokers as it starts; let that settle before timing.
    await waitFor("the app's cluster list", async () => (await fetch(`${server.url}/api/clusters`, { headers: server.headers })).status, (s) => s === 200, 30_000, signal);
    const api = await measureApi({ url: server.url, headers: server.headers, store: opts.store, queues: opts.queues, requests: opts.requests, signal, log });
    await server.stop();
    return { api, apiNote: null, build };
  } catch (e) {
    if (signal.aborted) throw e;
    log(`app: failed: ${describeError(e)}`);
    return { api: null, apiNote: `failed: ${describeError(e)}`, build };
  }
}
