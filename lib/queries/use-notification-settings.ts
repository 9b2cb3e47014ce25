"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { NotificationSettings, TestResult } from "@/lib/notifications/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { retryUnlessRefused } from "./use-dead-letters";

export const NOTIFICATIONS_REFRESH_MS = 5_000;

export function useNotificationSettings() {
  return useQuery({
    queryKey: queryKeys.notifications.all,
    queryFn: ({ signal }) => fetchJson<NotificationSettings>("/api/notifications", { signal }),
    refetchInterval: NOTIFICATIONS_REFRESH_MS,
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
    retry: retryUnlessRefused,
  });
}

export type SettingsRequest = { method: "POST" | "PUT" | "DELETE"; url: string; body?: unknown };

/** Any change to channels or rules; never retried behind the admin's back. */
export function useNotificationChange() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (r: SettingsRequest) =>
      fetchJson<{ id: string }>(r.url, { method: r.method, headers: r.body === undefined ? undefined : { "content-type": "application/json" }, body: r.body === undefined ? undefined : JSON.stringify(r.body) }),
    retry: false,
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.notifications.all }),
  });
}

export function useTestChannel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchJson<TestResult>(`/api/notifications/channels/${encodeURIComponent(id)}/test`, { method: "POST" }),
    retry: false,
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.notifications.all }),
  });
}
