"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { DlqOverview } from "@/lib/dead-letters/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { DEAD_LETTER_REFRESH_MS } from "./refresh";
import { retryUnlessRefused } from "./use-dead-letters";

/** Every RabbitMQ DLQ Redrive found (adopted or not), the NATS capture stream, and sources whose dead letters are dropped. */
export function useDlqs() {
  return useQuery({
    queryKey: queryKeys.deadLetters.dlqs(),
    queryFn: ({ signal }) => fetchJson<DlqOverview>("/api/dlqs", { signal }),
    refetchInterval: DEAD_LETTER_REFRESH_MS,
    refetchIntervalInBackground: false,
    placeholderData: keepPreviousData,
    retry: retryUnlessRefused,
  });
}
