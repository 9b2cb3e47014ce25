import { getConsumerOverview } from "@/lib/health/get-consumer-overview";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "summarise consumer health", permission: "consumers:read" }, () => getConsumerOverview());
