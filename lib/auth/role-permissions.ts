import "server-only";
import { getConfig, type RedriveConfig } from "@/lib/config";
import { ROLE_PERMISSIONS, type Permission, type Role } from "./permissions";

// A role's permissions in this installation: its own, plus what `auth.permissions` grants it (e.g.
// "dead-letters:redirect" for operators). Built once per role and configuration.

const built = new WeakMap<RedriveConfig, Map<Role, ReadonlySet<Permission>>>();

export function rolePermissions(role: Role, config: RedriveConfig = getConfig()): ReadonlySet<Permission> {
  let byRole = built.get(config);
  if (!byRole) built.set(config, (byRole = new Map()));
  let set = byRole.get(role);
  if (!set) {
    const extra = config.auth.permissions[role] ?? [];
    set = extra.length ? new Set([...ROLE_PERMISSIONS[role], ...extra]) : ROLE_PERMISSIONS[role];
    byRole.set(role, set);
  }
  return set;
}
