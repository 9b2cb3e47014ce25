"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Permission, Role } from "@/lib/auth/permissions";

// Who is signed in, for the UI to hide what their role cannot do. The server checks every action
// again; this only keeps buttons that would be refused off the screen.

export type SessionInfo = { name: string; role: Role; kind: "user" | "token" | "system"; permissions: Permission[] };

const SessionContext = createContext<SessionInfo | null>(null);

export function SessionProvider({ session, children }: { session: SessionInfo | null; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionInfo | null {
  return useContext(SessionContext);
}

/** True when the signed-in role holds the permission. */
export function useCan(permission: Permission): boolean {
  return useContext(SessionContext)?.permissions.includes(permission) ?? false;
}
