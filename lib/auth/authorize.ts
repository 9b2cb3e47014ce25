import "server-only";
import { AppError } from "@/lib/errors";
import { authenticate } from "./authenticate";
import { NEVER_FOR_TOKENS, type Permission, type Principal } from "./permissions";

/**
 * Resolves who is asking and checks they hold `permission` ("signed-in": any principal).
 * Throws UNAUTHENTICATED (401) for nobody, FORBIDDEN (403) for a role without the permission.
 */
export async function authorize(request: Request, permission: Permission | "signed-in"): Promise<Principal> {
  const principal = await authenticate(request.headers);
  if (!principal) throw new AppError("UNAUTHENTICATED", "Sign in to Redrive first: there is no session, or it has ended (sessions end after a while without activity).");
  if (permission !== "signed-in" && principal.kind === "token" && NEVER_FOR_TOKENS.has(permission)) {
    throw new AppError("FORBIDDEN", "Refused: API tokens may not manage accounts or API tokens, whatever their role. Sign in as an admin to do this.");
  }
  if (permission !== "signed-in" && !principal.permissions.has(permission)) {
    throw new AppError("FORBIDDEN", `Your role (${principal.role}) does not include the "${permission}" permission needed for this. Ask an admin for a role that includes it.`, {
      // Who was refused, for the audit of refusals (define-route.ts); never sent to the client.
      cause: { principal: principal.name },
    });
  }
  return principal;
}
