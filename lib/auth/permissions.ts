// Named permissions, checked inside every route handler, and the roles that hold them.
// viewer: health and dead-letter metadata; operator: + payloads, requeue, terminate, edit, restore,
// job control and the audit log; admin: + users, API tokens, DLQ adoption and settings.

export const PERMISSIONS = [
  "health:read",
  "clusters:read",
  "consumers:read",
  "dead-letters:read",
  "jobs:read",
  "metrics:read",
  "dead-letters:payload",
  "dead-letters:act",
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
const ADMIN: readonly Permission[] = [...OPERATOR, "dlqs:adopt", "users:manage", "settings:manage"];

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

export function principalFor(kind: Principal["kind"], id: string, name: string, role: Role): Principal {
  const permissions = kind === "token" ? new Set([...ROLE_PERMISSIONS[role]].filter((p) => !NEVER_FOR_TOKENS.has(p))) : ROLE_PERMISSIONS[role];
  return { id, name, kind, role, permissions };
}
