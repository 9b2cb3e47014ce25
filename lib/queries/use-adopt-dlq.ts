"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { DlqInfo } from "@/lib/dead-letters/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export type AdoptDlqInput = { cluster: string; name: string; adopted: boolean };

/**
 * Adopt (start collecting) or release a RabbitMQ DLQ. It changes what happens to messages on the
 * broker, so it is never retried behind the operator's back: the result or the error is shown.
 */
export function useAdoptDlq() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: AdoptDlqInput) =>
      fetchJson<DlqInfo>("/api/dlqs/adopt", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      }),
    retry: false,
    // Settled, not only succeeded: a failure may still have changed something on the server.
    // Not awaited: the action is over when the broker answered, not when the lists have reloaded.
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.deadLetters.dlqs() });
      void client.invalidateQueries({ queryKey: queryKeys.deadLetters.lists() });
      void client.invalidateQueries({ queryKey: queryKeys.deadLetters.allGroups() });
    },
  });
}
