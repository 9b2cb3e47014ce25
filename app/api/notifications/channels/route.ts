import { defineRoute, json } from "@/lib/http/define-route";
import { createChannel } from "@/lib/notifications/create-channel";
import { channelCreate } from "@/lib/notifications/notification-inputs";

export const dynamic = "force-dynamic";

export const POST = defineRoute({ action: "add a notification channel", permission: "settings:manage", body: channelCreate }, async ({ body, principal, address }) =>
  json({ data: await createChannel(body, principal, address) }, 201),
);
