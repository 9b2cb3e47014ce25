import { checkStore } from "@/lib/health/get-system-health";
import { defineRoute, json } from "@/lib/http/define-route";
import { areWorkersStarted } from "@/lib/lifecycle/are-workers-started";
import { isShuttingDown } from "@/lib/lifecycle/is-shutting-down";

export const dynamic = "force-dynamic";

// For an orchestrator's readiness probe, without signing in: may this replica take traffic? Only
// what this replica can fix decides it: its store (reachable, and migrated before it opens) and its
// own workers. A broker outage is left out on purpose: every replica would fail together, and
// showing that outage is what Redrive is for.
export const GET = defineRoute({ action: "report readiness", permission: "public" }, async () => {
  if (isShuttingDown()) return json({ data: { status: "stopping" } }, 503);
  const store = await checkStore();
  if (!store.ok) return json({ data: { status: "down" } }, 503);
  if (!areWorkersStarted()) return json({ data: { status: "starting" } }, 503);
  return json({ data: { status: "ready" } }, 200);
});
