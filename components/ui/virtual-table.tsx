"use client";

import { formatCount } from "@/components/consumers/format";
import type { LoadMore } from "./use-virtual-rows";

// The parts every virtualised list table shares (consumers, letters, job letters, audit log): the
// spacer rows standing for what is scrolled out of view, and the footer that loads the next page.

/** A row as tall as the rows it stands for; nothing when there are none. */
export function SpacerRow({ height, colSpan }: { height: number; colSpan: number }) {
  if (height <= 0) return null;
  return (
    <tr aria-hidden style={{ height }}>
      <td colSpan={colSpan} />
    </tr>
  );
}

/**
 * Under a paged list: the next page's error with a retry, "Loading…", a button for more, or the
 * end. `noun` names one item and many; `testId` prefixes the footer's test ids (`-more`, `-end`, `-more-error`).
 */
export function LoadMoreFooter({ count, more, noun, testId }: { count: number; more: LoadMore; noun: { one: string; many: string }; testId: string }) {
  const base = "sticky left-0 px-3 py-3 text-center text-xs text-zinc-500 dark:text-zinc-400";
  if (more.nextPageError) {
    return (
      <div role="alert" className={`${base} text-rose-800 dark:text-rose-200`} data-testid={`${testId}-more-error`}>
        Could not load more {noun.many}: {more.nextPageError.message}{" "}
        <button type="button" className="underline" onClick={() => more.fetchNextPage()}>
          Try again
        </button>
      </div>
    );
  }
  if (more.isFetchingNextPage) return <div className={base}>Loading more {noun.many}…</div>;
  if (more.hasNextPage) {
    return (
      <div className={base}>
        <button type="button" className="underline" onClick={() => more.fetchNextPage()} data-testid={`${testId}-more`}>
          Load more {noun.many}
        </button>
      </div>
    );
  }
  return (
    <div className={base} data-testid={`${testId}-end`}>
      {count === 1 ? `That is the only ${noun.one}.` : `That is all ${formatCount(count)} ${noun.many}.`}
    </div>
  );
}
