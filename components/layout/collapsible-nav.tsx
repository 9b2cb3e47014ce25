"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";

/**
 * The side bar: always open on wide screens; on a phone a one-line header with a Menu button, so the
 * first screen is the page, not the navigation. It closes again when a link is followed.
 */
export function CollapsibleNav({ brand, children }: { brand: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  useEffect(() => setOpen(false), [pathname]);
  return (
    <>
      <div className="flex items-center justify-between gap-2 px-4 py-3 md:py-4">
        {brand}
        <button
          type="button"
          className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium text-zinc-700 md:hidden dark:border-zinc-700 dark:text-zinc-200"
          aria-expanded={open}
          aria-controls="main-menu"
          data-testid="menu-button"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? "Close" : "Menu"}
        </button>
      </div>
      <div id="main-menu" data-testid="main-menu" className={`${open ? "flex" : "hidden"} flex-1 flex-col md:flex`}>
        {children}
      </div>
    </>
  );
}
