import { z } from "zod";
import { getConsumer } from "@/lib/health/get-consumer";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "show a consumer", permission: "consumers:read", params: z.object({ id: z.uuid() }) }, ({ params }) => getConsumer(params.id));
