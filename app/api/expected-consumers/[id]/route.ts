import { defineRoute } from "@/lib/http/define-route";
import { deleteExpectedConsumer } from "@/lib/health/expected/delete-expected-consumer";
import { expectedIdParams } from "@/lib/health/expected/expected-inputs";

export const dynamic = "force-dynamic";

export const DELETE = defineRoute({ action: "remove an expected consumer", permission: "settings:manage", params: expectedIdParams }, ({ params, principal, address }) =>
  deleteExpectedConsumer(params.id, principal, address),
);
