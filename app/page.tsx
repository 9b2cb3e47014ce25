import { ClusterList } from "@/components/clusters/cluster-list";
import { ConsumerOverview } from "@/components/consumers/consumer-overview";
import { InboxOverview } from "@/components/dead-letters/inbox-overview";
import { PageHeader } from "@/components/layout/page-header";
import { StoreBanner } from "@/components/layout/store-banner";
import { listClusterStatuses } from "@/lib/clusters/list-cluster-statuses";
import { getConfig } from "@/lib/config";
import { checkStore } from "@/lib/health/get-system-health";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const config = getConfig();
  const [clusters, store] = await Promise.all([listClusterStatuses(), checkStore()]);
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Every configured cluster, whether Redrive can reach it and since when, the health of its consumers, and its dead letters. Clusters from ${config.source}.`}
      />
      <StoreBanner store={store} />
      <ClusterList initial={clusters} refreshMs={config.statusIntervalMs} />
      <ConsumerOverview />
      <InboxOverview />
    </>
  );
}
