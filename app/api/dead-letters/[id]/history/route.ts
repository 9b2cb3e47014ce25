import { z } from "zod";
import { defineRoute } from "@/lib/http/define-route";
import { letterHistory } from "@/lib/redrive/list-jobs";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "show a letter's history", permission: "dead-letters:read", params: z.object({ id: z.uuid() }) }, ({ params }) => letterHistory(params.id));
