import "server-only";
import { AppError } from "@/lib/errors";
import { ANONYMOUS, type Permission, type Principal } from "./permissions";

/** Resolves who is asking and checks they hold `permission`; throws FORBIDDEN otherwise. */
export async function authorize(_request: Request, permission: Permission): Promise<Principal> {
  const principal = ANONYMOUS;
  if (!principal.permissions.has(permission)) {
    throw new AppError("FORBIDDEN", `You do not have the "${permission}" permission needed for this action. Ask an admin for a role that includes it.`);
  }
  return principal;
}
