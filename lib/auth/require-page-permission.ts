import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getPagePrincipal } from "./get-page-principal";
import type { Permission } from "./permissions";

/** For pages only some roles may open: signed out → sign-in (and back); wrong role → 403 page. */
export async function requirePagePermission(permission: Permission) {
  const { principal, path } = await getPagePrincipal();
  if (!principal) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  if (!principal.permissions.has(permission)) forbidden();
  return principal;
}
