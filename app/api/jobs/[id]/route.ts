import { z } from "zod";
import { defineRoute } from "@/lib/http/define-route";
import { getJob } from "@/lib/redrive/get-job";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "show a job", permission: "jobs:read", params: z.object({ id: z.uuid() }) }, ({ params }) => getJob(params.id));
