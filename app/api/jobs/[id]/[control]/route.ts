import { z } from "zod";
import { defineRoute } from "@/lib/http/define-route";
import { controlJob, retryJob } from "@/lib/redrive/control-job";

export const dynamic = "force-dynamic";

export const POST = defineRoute(
  { action: "control a job", permission: "jobs:act", params: z.object({ id: z.uuid(), control: z.enum(["pause", "resume", "cancel", "retry"]) }) },
  ({ params, principal, address }) => {
    return params.control === "retry" ? retryJob(params.id, principal, address) : controlJob(params.id, params.control, principal, address);
  },
);
