"use client";

import Link from "next/link";
import { useState } from "react";
import { withBasePath } from "@/lib/base-path";
import { fetchJson } from "@/lib/queries/fetch-json";
import { useSession } from "./session-provider";

/** Who is signed in, their role, and the way out. */
export function UserMenu() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!session) return null;
  const signOut = async () => {
    setBusy(true);
    setError(null);
    try {
      const done = await fetchJson<{ endSessionUrl?: string }>("/api/auth/sign-out", { method: "POST" });
      // Signed in through the OpenID provider: sign out there too, which comes back to sign-in.
      window.location.assign(done.endSessionUrl ?? withBasePath("/sign-in"));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <div className="border-t border-zinc-200 px-4 py-3 text-sm dark:border-zinc-800" data-testid="user-menu">
      <div className="truncate font-medium" title={session.name}>
        {session.name}
      </div>
      <div className="text-xs text-zinc-500 dark:text-zinc-400">{session.role}</div>
      <div className="mt-2 flex gap-3 text-xs">
        <Link href="/account" className="text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-300">
          Account
        </Link>
        <button type="button" onClick={() => void signOut()} disabled={busy} className="text-zinc-600 underline-offset-2 hover:underline disabled:opacity-50 dark:text-zinc-300">
          {busy ? "Signing out…" : "Sign out"}
        </button>
      </div>
      {error && <p className="mt-1 text-xs text-rose-600">{error}</p>}
    </div>
  );
}
