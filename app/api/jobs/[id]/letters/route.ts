import { z } from "zod";
import { defineRoute } from "@/lib/http/define-route";
import { jobLettersQuery, listJobLetters } from "@/lib/redrive/list-jobs";

export const dynamic = "force-dynamic";

export const GET = defineRoute(
  { action: "list a job's letters", permission: "jobs:read", params: z.object({ id: z.uuid() }), query: jobLettersQuery },
  ({ params, query }) => listJobLetters(params.id, query),
);
