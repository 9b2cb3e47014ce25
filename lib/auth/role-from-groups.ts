import { ROLES, type Role } from "@/lib/permissions";

// Single sign-on's roles: the groups an identity provider (or a trusted proxy) says a user is in,
// mapped through auth.groupRoles. The highest role any of the groups gives wins; a user in no
// mapped group gets auth.defaultRole, or is refused when there is none. Group names are compared
// exactly as written (providers differ on case, and "Admins" ≠ "admins" is theirs to decide).

export type GroupRoleRules = { groupRoles: Record<string, Role>; defaultRole: Role | null };

/** The role for these groups and the group that gave it (null: the default role); null when refused. */
export function roleFromGroups(groups: readonly string[], rules: GroupRoleRules): { role: Role; group: string | null } | null {
  let best: { role: Role; group: string | null } | null = null;
  for (const group of groups) {
    const role = Object.hasOwn(rules.groupRoles, group) ? rules.groupRoles[group] : undefined;
    if (role !== undefined && (best === null || ROLES.indexOf(role) > ROLES.indexOf(best.role))) best = { role, group };
  }
  if (best) return best;
  return rules.defaultRole ? { role: rules.defaultRole, group: null } : null;
}
