import { checkStore } from "@/lib/health/get-system-health";
import { defineRoute, json } from "@/lib/http/define-route";
import { isShuttingDown } from "@/lib/lifecycle/is-shutting-down";

export const dynamic = "force-dynamic";

// For load balancers and probes, without signing in: says only whether Redrive can serve (its store
// answers). The details (clusters, errors) are at /api/health for signed-in roles.
export const GET = defineRoute({ action: "report liveness", permission: "public" }, async () => {
  // Still serving, but on the way out: a load balancer should send new requests elsewhere.
  if (isShuttingDown()) return json({ data: { status: "stopping" } }, 503);
  const store = await checkStore();
  return json({ data: { status: store.ok ? "ok" : "down" } }, store.ok ? 200 : 503);
});
