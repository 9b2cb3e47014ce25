"use client";

import { LoadError } from "@/components/consumers/load-error";
import { useNotificationSettings } from "@/lib/queries/use-notification-settings";
import { DeliveriesSection, IncidentsSection } from "./activity-section";
import { ChannelsSection } from "./channels-section";
import { RulesSection } from "./rules-section";
import { muted } from "./styles";

/** /settings/notifications: channels, rules, what fired and what was sent. */
export function NotificationSettingsView() {
  const { data, error } = useNotificationSettings();
  return (
    <div>
      {error ? <LoadError what="the notification settings" error={error} hasData={Boolean(data)} testId="notifications-error" /> : null}
      {!data ? (
        error ? null : <p className={`py-6 text-sm ${muted}`}>Loading…</p>
      ) : (
        <>
          <p className={`mb-6 text-sm ${muted}`}>
            Links in messages start with <code className="font-mono">{data.publicUrl}</code> (publicUrl in the configuration).
          </p>
          <ChannelsSection channels={data.channels} />
          <RulesSection rules={data.rules} channels={data.channels} clusters={data.clusters} />
          <IncidentsSection incidents={data.incidents} />
          <DeliveriesSection deliveries={data.deliveries} />
        </>
      )}
    </div>
  );
}
