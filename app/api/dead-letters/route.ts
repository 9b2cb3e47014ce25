import { letterListQuery, listLetters } from "@/lib/dead-letters/list-letters";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list dead letters", permission: "dead-letters:read", query: letterListQuery }, ({ query }) => listLetters(query));
