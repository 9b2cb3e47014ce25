import { defineRoute } from "@/lib/http/define-route";
import { jobRequest } from "@/lib/redrive/job-scope";
import { planJob } from "@/lib/redrive/plan-job";

export const dynamic = "force-dynamic";

// A dry run: reads the store and asks the brokers whether destinations exist; changes nothing.
export const POST = defineRoute({ action: "plan a job", permission: "dead-letters:act", body: jobRequest }, ({ body, principal }) => planJob(body, principal));
