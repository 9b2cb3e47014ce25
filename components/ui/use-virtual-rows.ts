"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";

/** Loading of further pages for an infinite list. */
export type LoadMore = {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  /** The last attempt to load the next page failed: wait for the operator instead of looping. */
  nextPageError: Error | null;
  fetchNextPage: () => void;
};

/**
 * A virtualised table body under a sticky header, in one scroll container: the rows on screen and
 * the spacer heights above and below them. With `more`, the next page loads as the end comes near.
 */
export function useVirtualRows(opts: {
  count: number;
  rowHeight: number;
  headerHeight: number;
  getKey: (index: number) => string | number;
  more?: LoadMore;
  /** How many rows before the end the next page starts loading. */
  prefetchRows?: number;
}) {
  const { count, rowHeight, headerHeight, getKey, more, prefetchRows = 15 } = opts;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    // Rows start below the sticky header, inside the same scroll container.
    paddingStart: headerHeight,
    overscan: 12,
    getItemKey: getKey,
  });
  const rows = virtualizer.getVirtualItems();
  const padTop = (rows[0]?.start ?? headerHeight) - headerHeight;
  const padBottom = virtualizer.getTotalSize() - (rows.at(-1)?.end ?? headerHeight);

  const lastIndex = rows.at(-1)?.index ?? -1;
  const hasNextPage = more?.hasNextPage ?? false;
  const isFetchingNextPage = more?.isFetchingNextPage ?? false;
  const nextPageError = more?.nextPageError ?? null;
  const fetchNextPage = more?.fetchNextPage;
  useEffect(() => {
    if (fetchNextPage && lastIndex >= count - 1 - prefetchRows && hasNextPage && !isFetchingNextPage && !nextPageError) fetchNextPage();
  }, [lastIndex, count, prefetchRows, hasNextPage, isFetchingNextPage, nextPageError, fetchNextPage]);

  return { scrollRef, rows, padTop, padBottom };
}
