import { z } from "zod";
import { getLetter } from "@/lib/dead-letters/get-letter";
import { canSeePayloads, withoutPayload } from "@/lib/dead-letters/payload-access";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

// Every role that reads dead letters sees the detail; the payload is left out for roles without "dead-letters:payload".
export const GET = defineRoute({ action: "show a dead letter", permission: "dead-letters:read", params: z.object({ id: z.uuid() }) }, async ({ params, principal }) => {
  const letter = await getLetter(params.id);
  return canSeePayloads(principal) ? letter : withoutPayload(letter);
});
