export const muted = "text-zinc-500 dark:text-zinc-400";
export const th = "border-b border-zinc-200 px-2 py-1.5 text-left text-xs font-medium whitespace-nowrap text-zinc-600 first:pl-0 last:pr-0 dark:border-zinc-800 dark:text-zinc-300";
export const td = "border-b border-zinc-100 px-2 py-2 align-top first:pl-0 last:pr-0 dark:border-zinc-800/70";
export const input =
  "h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:[color-scheme:dark] disabled:opacity-50";
export const primary = "h-9 rounded-md bg-zinc-900 px-3 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300";
export const secondary =
  "h-8 rounded-md border border-zinc-300 bg-white px-2.5 text-sm whitespace-nowrap text-zinc-800 hover:bg-zinc-50 disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800";
export const label = "flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400";
