import { z } from "zod";
import { getConsumerSeries, seriesQuery } from "@/lib/health/get-consumer-series";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute(
  { action: "chart a consumer", permission: "consumers:read", params: z.object({ id: z.uuid() }), query: seriesQuery },
  ({ params, query }) => getConsumerSeries(params.id, query),
);
