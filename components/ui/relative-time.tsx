"use client";

import { useEffect, useState } from "react";

// Rendered only in the browser: the server's clock and time zone are not the operator's.
function useNow(): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d`;
}

/** "14:02:11 (3 min ago)", with the full ISO time on hover. */
export function RelativeTime({ iso, withClock = true }: { iso: string; withClock?: boolean }) {
  const now = useNow();
  const t = new Date(iso);
  return (
    <time dateTime={iso} title={iso} suppressHydrationWarning>
      {now === null ? "" : `${withClock ? t.toLocaleTimeString() + " (" : ""}${formatAge(now - t.getTime())} ago${withClock ? ")" : ""}`}
    </time>
  );
}
