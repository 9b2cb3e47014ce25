import { sharedRead } from "@/lib/db/shared-read";
import { letterFiltersQuery } from "@/lib/dead-letters/letter-list-query";
import { listLetterGroups } from "@/lib/dead-letters/list-letter-groups";
import { assertPayloadSearchAllowed, canSeePayloads, withoutShapes } from "@/lib/dead-letters/payload-access";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "group dead letters", permission: "dead-letters:read", query: letterFiltersQuery }, async ({ query, principal }) => {
  assertPayloadSearchAllowed(query, principal);
  const result = await sharedRead(`letter-groups:${JSON.stringify(query)}`, 5000, () => listLetterGroups(query));
  return canSeePayloads(principal) ? result : withoutShapes(result);
});
