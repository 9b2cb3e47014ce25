import { sharedRead } from "@/lib/db/shared-read";
import { getConsumerOverview } from "@/lib/health/get-consumer-overview";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

// Every open console polls it, and it changes once per sampler tick (10 s): consoles asking at once
// share one read, as the inbox summary does (lib/db/shared-read.ts).
export const GET = defineRoute({ action: "summarise consumer health", permission: "consumers:read" }, () => sharedRead("consumer-overview", 5000, () => getConsumerOverview()));
