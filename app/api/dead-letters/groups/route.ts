import { letterFilters } from "@/lib/dead-letters/letter-filters";
import { listLetterGroups } from "@/lib/dead-letters/list-letter-groups";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "group dead letters", permission: "dead-letters:read", query: letterFilters }, ({ query }) => listLetterGroups(query));
