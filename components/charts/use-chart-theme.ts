"use client";

import { useSyncExternalStore } from "react";

// SVG strokes are attributes, not classes, so charts read the colour scheme themselves.
const QUERY = "(prefers-color-scheme: dark)";

function subscribe(onChange: () => void) {
  const mq = window.matchMedia(QUERY);
  mq.addEventListener("change", onChange);
  return () => mq.removeEventListener("change", onChange);
}

export type ChartTheme = { grid: string; axis: string; tooltipBg: string; tooltipBorder: string; tooltipText: string; cursor: string };

const LIGHT: ChartTheme = { grid: "#e4e4e7", axis: "#71717a", tooltipBg: "#ffffff", tooltipBorder: "#d4d4d8", tooltipText: "#18181b", cursor: "#a1a1aa" };
const DARK: ChartTheme = { grid: "#27272a", axis: "#a1a1aa", tooltipBg: "#18181b", tooltipBorder: "#3f3f46", tooltipText: "#f4f4f5", cursor: "#52525b" };

export function useChartTheme(): ChartTheme {
  const dark = useSyncExternalStore(
    subscribe,
    () => window.matchMedia(QUERY).matches,
    () => false,
  );
  return dark ? DARK : LIGHT;
}

/** Series colours that read on both backgrounds. */
export const SERIES_COLORS = {
  backlog: "#0ea5e9",
  ack: "#10b981",
  deliver: "#6366f1",
  inflow: "#f59e0b",
  redeliver: "#f43f5e",
  inFlight: "#8b5cf6",
  limit: "#a1a1aa",
  consumers: "#14b8a6",
  oldest: "#ea580c",
} as const;
