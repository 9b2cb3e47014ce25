"use client";

import { useSyncExternalStore } from "react";

const noop = () => () => {};

/** False while server-rendering and hydrating, true after: for text that depends on the operator's clock or time zone. */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}
