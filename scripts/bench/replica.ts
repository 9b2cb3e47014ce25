// One Redrive replica for the scale-out section: the server's own boot (sampler, collector,
// notifier, job runner) without HTTP, configured by REDRIVE_CONFIG / DATABASE_URL, ended by signals.
import { bootServer } from "@/lib/boot/boot-server";
import { getCollector } from "@/lib/dead-letters/collector/get-collector";
import { getJobRunner } from "@/lib/redrive/get-job-runner";

await bootServer();
const runner = await getJobRunner();
await getCollector();
process.stdout.write(`ready ${runner.owner}\n`);
setInterval(() => undefined, 60_000);
