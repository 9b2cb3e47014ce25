import { defineRoute } from "@/lib/http/define-route";
import { deleteChannel } from "@/lib/notifications/delete-channel";
import { channelUpdate, idParams } from "@/lib/notifications/notification-inputs";
import { updateChannel } from "@/lib/notifications/update-channel";

export const dynamic = "force-dynamic";

export const PUT = defineRoute({ action: "change a notification channel", permission: "settings:manage", params: idParams, body: channelUpdate }, ({ params, body, principal, address }) =>
  updateChannel(params.id, body, principal, address),
);

export const DELETE = defineRoute({ action: "delete a notification channel", permission: "settings:manage", params: idParams }, ({ params, principal, address }) =>
  deleteChannel(params.id, principal, address),
);
