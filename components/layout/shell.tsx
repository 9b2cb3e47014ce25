import type { ReactNode } from "react";
import { UserMenu } from "@/components/auth/user-menu";
import { CollapsibleNav } from "./collapsible-nav";
import { Nav } from "./nav";

export function Shell({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="flex flex-col border-b border-zinc-200 bg-white md:w-56 md:shrink-0 md:border-r md:border-b-0 dark:border-zinc-800 dark:bg-zinc-900">
        <CollapsibleNav
          brand={
            <span className="flex items-center gap-2">
              <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-rose-600" />
              <span className="text-lg font-semibold tracking-tight">Redrive</span>
            </span>
          }
        >
          <Nav />
          <div className="hidden flex-1 md:block" />
          <UserMenu />
        </CollapsibleNav>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8">{children}</main>
    </div>
  );
}
