import { consumerListQuery } from "@/lib/health/consumer-list-query";
import { listConsumers } from "@/lib/health/list-consumers";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list consumers", permission: "consumers:read", query: consumerListQuery }, ({ query }) => listConsumers(query));
