import { sharedRead } from "@/lib/db/shared-read";
import { getInboxTotals } from "@/lib/dead-letters/get-inbox-totals";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "summarise the dead-letter inbox", permission: "dead-letters:read" }, () => sharedRead("inbox-totals", 5000, () => getInboxTotals()));
