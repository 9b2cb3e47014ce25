// Lives at lib/glob-match.ts: health (expected consumers) and notifications (rule scopes) both match names with it.
export { globMatch } from "@/lib/glob-match";
