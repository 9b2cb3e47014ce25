// Named permissions, checked inside every route handler, and the roles that hold them.
// viewer: health and dead-letter metadata; operator: + payloads, requeue, terminate, restore,
// job control and the audit log; admin: + requeue elsewhere or with an edited payload, users, API
// tokens, DLQ adoption and settings. `auth.permissions` in the config grants a role more (see
// lib/auth/role-permissions.ts).

export const PERMISSIONS = [
  "health:read",
  "clusters:read",
  "consumers:read",
  "dead-letters:read",
  "jobs:read",
  "metrics:read",
  "dead-letters:payload",
  "dead-letters:act",
  /** Requeue to a destination other than the letter's own, or with an edited payload or headers. */
  "dead-letters:redirect",
  "jobs:act",
  "audit:read",
  "dlqs:adopt",
  "users:manage",
  "settings:manage",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const VIEWER: readonly Permission[] = ["health:read", "clusters:read", "consumers:read", "dead-letters:read", "jobs:read", "metrics:read"];
const OPERATOR: readonly Permission[] = [...VIEWER, "dead-letters:payload", "dead-letters:act", "jobs:act", "audit:read"];
const ADMIN: readonly Permission[] = [...OPERATOR, "dead-letters:redirect", "dlqs:adopt", "users:manage", "settings:manage"];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(VIEWER),
  operator: new Set(OPERATOR),
  admin: new Set(ADMIN),
};

export function isPermission(value: unknown): value is Permission {
  return typeof value === "string" && (PERMISSIONS as readonly string[]).includes(value);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Who is asking: a signed-in user, an API token, or Redrive itself (background work). */
export type Principal = {
  id: string;
  name: string;
  kind: "user" | "token" | "system";
  role: Role;
  permissions: ReadonlySet<Permission>;
};

/** `permissions`: what the role holds in this installation (its own, plus any the config grants it). */
export function principalFor(kind: Principal["kind"], id: string, name: string, role: Role, permissions: ReadonlySet<Permission> = ROLE_PERMISSIONS[role]): Principal {
  return { id, name, kind, role, permissions };
}
