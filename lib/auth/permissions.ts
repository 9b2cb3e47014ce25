// Named permissions, checked by every route. Until sign-in exists every request acts as an
// anonymous principal holding all of them; the roles arrive with accounts.

export const PERMISSIONS = [
  "health:read",
  "clusters:read",
  "consumers:read",
  "dead-letters:read",
  "dead-letters:payload",
  "dead-letters:act",
  "jobs:read",
  "jobs:act",
  "audit:read",
  "admin",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export type Principal = { id: string; name: string; permissions: ReadonlySet<Permission> };

export const ANONYMOUS: Principal = { id: "anonymous", name: "anonymous", permissions: new Set(PERMISSIONS) };
