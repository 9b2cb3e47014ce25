import { getSystemHealth } from "@/lib/health/get-system-health";
import { defineRoute, json } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

// 503 only when the store is down: a broker being down is reported, not a reason to restart Redrive.
export const GET = defineRoute({ action: "report health", permission: "health:read" }, async () => {
  const health = await getSystemHealth();
  return json({ data: health }, health.status === "down" ? 503 : 200);
});
