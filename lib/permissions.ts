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

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** The lesser of two roles: what an API token may do when its maker now holds less than it was given. */
export function lesserRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/**
 * Permissions an API token never holds, whatever its role: accounts and tokens are managed only by
 * someone signed in, so a token (leaked, or kept by someone who left) cannot mint more tokens or
 * accounts to outlive its own revocation.
 */
export const NEVER_FOR_TOKENS: ReadonlySet<Permission> = new Set<Permission>(["users:manage"]);

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

/** `permissions`: what the role holds in this installation (its own, plus any the config grants it); a token never holds NEVER_FOR_TOKENS. */
export function principalFor(kind: Principal["kind"], id: string, name: string, role: Role, granted: ReadonlySet<Permission> = ROLE_PERMISSIONS[role]): Principal {
  const permissions = kind === "token" ? new Set([...granted].filter((p) => !NEVER_FOR_TOKENS.has(p))) : granted;
  return { id, name, kind, role, permissions };
}
