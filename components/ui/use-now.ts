"use client";

import { useEffect, useState } from "react";

/**
 * The browser's clock, ticking every `intervalMs`; null until mounted, because the server's clock
 * is not the operator's and a server-rendered age would be wrong by the time it is read.
 */
export function useNow(intervalMs = 1000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
