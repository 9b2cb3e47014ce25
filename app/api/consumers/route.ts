import { sharedRead } from "@/lib/db/shared-read";
import { consumerListQuery } from "@/lib/health/consumer-list-query";
import { listConsumers } from "@/lib/health/list-consumers";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

// Consoles asking for the same page while it is being read share that read (lib/db/shared-read.ts);
// nothing is kept once it is answered, so no answer is older than the request.
export const GET = defineRoute({ action: "list consumers", permission: "consumers:read", query: consumerListQuery }, ({ query }) =>
  sharedRead(`consumers:${JSON.stringify(query)}`, 0, () => listConsumers(query)),
);
