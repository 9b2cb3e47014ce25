"use client";

import { useRouter } from "next/navigation";
import type { MouseEvent } from "react";

/**
 * A table row that opens `href` when clicked anywhere, while the link inside it stays the real link
 * (new tab, copy link, keyboard): modified or non-primary clicks, clicks on controls inside the row,
 * and clicks that end a text selection are left alone.
 */
export function useRowLink(href: string): (e: MouseEvent<HTMLTableRowElement>) => void {
  const router = useRouter();
  return (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if ((e.target as Element).closest("a, button, input, label")) return;
    if (window.getSelection()?.toString()) return;
    router.push(href);
  };
}
