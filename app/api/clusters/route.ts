import { listClusterStatuses } from "@/lib/clusters/list-cluster-statuses";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list clusters", permission: "clusters:read" }, () => listClusterStatuses());
