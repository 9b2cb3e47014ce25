import { getConfig } from "@/lib/config";
import { defineRoute } from "@/lib/http/define-route";
import { renderMetrics } from "@/lib/metrics/render-metrics";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "serve metrics", permission: "metrics:read", open: () => getConfig().metrics.open }, async () => {
  const { contentType, text } = await renderMetrics();
  return new Response(text, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
});
