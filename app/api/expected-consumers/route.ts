import { defineRoute, json } from "@/lib/http/define-route";
import { createExpectedConsumer } from "@/lib/health/expected/create-expected-consumer";
import { expectedCreate } from "@/lib/health/expected/expected-inputs";
import { listExpectedConsumers } from "@/lib/health/expected/list-expected-consumers";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list the expected consumers", permission: "consumers:read" }, () => listExpectedConsumers());

export const POST = defineRoute({ action: "add an expected consumer", permission: "settings:manage", body: expectedCreate }, async ({ body, principal, address }) =>
  json({ data: await createExpectedConsumer(body, principal, address) }, 201),
);
