import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { NotificationSettingsView } from "@/components/notifications/notification-settings-view";
import { requirePagePermission } from "@/lib/auth/require-page-permission";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  await requirePagePermission("settings:manage");
  return (
    <>
      <PageHeader
        title="Notifications"
        description="Webhook and Slack-compatible messages when a consumer gets into trouble or dead letters pile up, each linking to the page that explains it at the time it happened."
      />
      <NotificationSettingsView />
    </>
  );
}
