import { z } from "zod";
import { getDlq } from "@/lib/dead-letters/get-dlq";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "read a dead-letter queue", permission: "dead-letters:read", params: z.object({ id: z.uuid("must be a DLQ id") }) }, ({ params }) => getDlq(params.id));
