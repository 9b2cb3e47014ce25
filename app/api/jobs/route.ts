import { jobListQuery } from "@/lib/redrive/job-list-query";
import { defineRoute, json } from "@/lib/http/define-route";
import { jobRequest } from "@/lib/redrive/job-scope";
import { listJobs } from "@/lib/redrive/list-jobs";
import { startJob } from "@/lib/redrive/start-job";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list jobs", permission: "jobs:read", query: jobListQuery }, ({ query }) => listJobs(query));

export const POST = defineRoute({ action: "start a job", permission: "dead-letters:act", body: jobRequest }, async ({ body, principal, address }) =>
  json({ data: await startJob(body, principal, address) }, 201),
);
