import { defineRoute } from "@/lib/http/define-route";
import { deleteRule } from "@/lib/notifications/delete-rule";
import { idParams, ruleUpdate } from "@/lib/notifications/notification-inputs";
import { updateRule } from "@/lib/notifications/update-rule";

export const dynamic = "force-dynamic";

export const PUT = defineRoute({ action: "change a notification rule", permission: "settings:manage", params: idParams, body: ruleUpdate }, ({ params, body, principal, address }) =>
  updateRule(params.id, body, principal, address),
);

export const DELETE = defineRoute({ action: "delete a notification rule", permission: "settings:manage", params: idParams }, ({ params, principal, address }) =>
  deleteRule(params.id, principal, address),
);
