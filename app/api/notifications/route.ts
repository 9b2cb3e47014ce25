import { defineRoute } from "@/lib/http/define-route";
import { getNotificationSettings } from "@/lib/notifications/get-notification-settings";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "read the notification settings", permission: "settings:manage" }, () => getNotificationSettings());
