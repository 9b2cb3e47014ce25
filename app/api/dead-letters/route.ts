import { sharedRead } from "@/lib/db/shared-read";
import { letterListQuery } from "@/lib/dead-letters/letter-list-query";
import { listLetters } from "@/lib/dead-letters/list-letters";
import { assertPayloadSearchAllowed, canSeePayloads, withoutPreviews } from "@/lib/dead-letters/payload-access";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list dead letters", permission: "dead-letters:read", query: letterListQuery }, async ({ query, principal }) => {
  assertPayloadSearchAllowed(query, principal);
  // Consoles asking for the same page while it is being read share that read; nothing is kept after.
  const page = await sharedRead(`letters:${JSON.stringify(query)}`, 0, () => listLetters(query));
  return canSeePayloads(principal) ? page : withoutPreviews(page);
});
