import { defineRoute, json } from "@/lib/http/define-route";
import { createRule } from "@/lib/notifications/create-rule";
import { ruleCreate } from "@/lib/notifications/notification-inputs";

export const dynamic = "force-dynamic";

export const POST = defineRoute({ action: "add a notification rule", permission: "settings:manage", body: ruleCreate }, async ({ body, principal, address }) =>
  json({ data: await createRule(body, principal, address) }, 201),
);
