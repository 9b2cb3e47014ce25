import { z } from "zod";
import { getLetter } from "@/lib/dead-letters/get-letter";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

// Payloads are sensitive: the detail carries (part of) it, so it needs the payload permission.
export const GET = defineRoute({ action: "show a dead letter", permission: "dead-letters:payload", params: z.object({ id: z.uuid() }) }, ({ params }) => getLetter(params.id));
