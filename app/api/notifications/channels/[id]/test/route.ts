import { defineRoute } from "@/lib/http/define-route";
import { idParams } from "@/lib/notifications/notification-inputs";
import { testChannel } from "@/lib/notifications/test-channel";

export const dynamic = "force-dynamic";

export const POST = defineRoute({ action: "send a test notification", permission: "settings:manage", params: idParams }, ({ params, principal, address }) =>
  testChannel(params.id, principal, address),
);
