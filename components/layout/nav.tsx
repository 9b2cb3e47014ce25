"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useSession } from "@/components/auth/session-provider";
import type { Permission } from "@/lib/auth/permissions";

// Each item shows only to roles that may open it.
export const NAV_ITEMS: ReadonlyArray<{ href: string; label: string; permission: Permission }> = [
  { href: "/", label: "Overview", permission: "health:read" },
  { href: "/consumers", label: "Consumers", permission: "consumers:read" },
  { href: "/dead-letters", label: "Dead letters", permission: "dead-letters:read" },
  { href: "/jobs", label: "Jobs", permission: "jobs:read" },
  { href: "/audit", label: "Audit", permission: "audit:read" },
  { href: "/settings/notifications", label: "Notifications", permission: "settings:manage" },
  { href: "/settings/expected-consumers", label: "Expected consumers", permission: "settings:manage" },
  { href: "/settings/users", label: "Users & tokens", permission: "users:manage" },
];

export function Nav() {
  const pathname = usePathname();
  const session = useSession();
  return (
    <nav aria-label="Main" className="flex flex-col gap-1 px-2 pb-2 md:pb-4">
      {NAV_ITEMS.filter((item) => session?.permissions.includes(item.permission)).map((item) => {
        const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={
              "rounded-md px-3 py-2 text-sm whitespace-nowrap " +
              (active
                ? "bg-zinc-100 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-white"
                : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-white")
            }
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
