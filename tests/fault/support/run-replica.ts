// A Redrive replica in a process of its own, booted by the same code the server's instrumentation
// runs (bootServer: shutdown handlers, sampler, collector, notifier, job runner), without the HTTP
// part, for a test to send real signals to. Configuration and store from REDRIVE_CONFIG / DATABASE_URL.
import { bootServer } from "@/lib/boot/boot-server";
import { getCollector } from "@/lib/dead-letters/collector/get-collector";
import { getJobRunner } from "@/lib/redrive/get-job-runner";

await bootServer();
const runner = await getJobRunner();
await getCollector();
process.stdout.write(`ready ${runner.owner}\n`);
// Kept alive by its work; the shutdown handlers end it.
setInterval(() => undefined, 60_000);
