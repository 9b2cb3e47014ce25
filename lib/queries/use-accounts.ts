"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApiTokenView } from "@/lib/auth/list-api-tokens";
import type { UserView } from "@/lib/auth/list-users";
import type { Role } from "@/lib/auth/permissions";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

// Accounts and API tokens, for admins. Dates arrive as ISO text.
type Wire<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export type UserRow = Wire<UserView>;
export type TokenRow = Wire<ApiTokenView>;

const jsonInit = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export function useUsers() {
  return useQuery({ queryKey: queryKeys.accounts.users, queryFn: () => fetchJson<UserRow[]>("/api/users") });
}

export function useApiTokens() {
  return useQuery({ queryKey: queryKeys.accounts.tokens, queryFn: () => fetchJson<TokenRow[]>("/api/tokens") });
}

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; role: Role; password: string }) => fetchJson<{ id: string }>("/api/users", jsonInit("POST", input)),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.accounts.users }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...change }: { id: string; role?: Role; disabled?: boolean; password?: string }) => fetchJson<UserRow>(`/api/users/${id}`, jsonInit("PATCH", change)),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.accounts.users }),
  });
}

export function useCreateApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; role: Role; expiresInDays?: number }) => fetchJson<TokenRow & { token: string }>("/api/tokens", jsonInit("POST", input)),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.accounts.tokens }),
  });
}

export function useRevokeApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchJson<{ revoked: true }>(`/api/tokens/${id}`, { method: "DELETE" }),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.accounts.tokens }),
  });
}
