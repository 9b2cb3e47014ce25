import { defineRoute, json } from "@/lib/http/define-route";
import { isShuttingDown } from "@/lib/lifecycle/is-shutting-down";

export const dynamic = "force-dynamic";

// For a liveness probe, without signing in: does this process still serve? It answers from memory
// alone, so an unreachable store (or broker) never gets a replica restarted — restarting would not
// bring the store back; readiness (/api/health/ready) takes the replica out of traffic instead.
export const GET = defineRoute({ action: "report liveness", permission: "public" }, async () => {
  // Still serving, but on the way out: a load balancer should send new requests elsewhere.
  if (isShuttingDown()) return json({ data: { status: "stopping" } }, 503);
  return json({ data: { status: "ok" } }, 200);
});
