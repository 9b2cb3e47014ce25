// A Redrive job runner in a process of its own, built exactly as the server builds it
// (getJobRunner: configuration and store from REDRIVE_CONFIG / DATABASE_URL), for a test to kill.
import { getJobRunner } from "@/lib/redrive/get-job-runner";

const runner = await getJobRunner();
process.stdout.write(`ready ${runner.owner}\n`);
setInterval(() => undefined, 60_000);
