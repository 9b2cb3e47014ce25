import { adoptionBody, setDlqAdoption } from "@/lib/dead-letters/set-dlq-adoption";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const POST = defineRoute({ action: "adopt a dead-letter queue", permission: "dlqs:adopt", body: adoptionBody }, ({ body, principal, address }) =>
  setDlqAdoption(body, principal, address),
);
