import "server-only";
import type { Principal } from "@/lib/auth/permissions";
import { refusal, type AppError } from "@/lib/errors";
import type { JobRequestInput } from "./job-scope";

/**
 * Requeueing somewhere else, or with an edited payload or headers, needs "dead-letters:redirect"
 * (admins; `auth.permissions` can grant it to another role): with it a requeue can publish any
 * bytes to any destination. Returns the refusal for a principal without it, or null.
 */
export function requireRedirect(input: JobRequestInput, actor: Principal): AppError | null {
  if (input.destination === undefined && input.edit === undefined) return null;
  if (actor.permissions.has("dead-letters:redirect")) return null;
  const edited = "with an edited payload or headers";
  const what = input.destination === undefined ? edited : input.edit === undefined ? "to another destination" : `to another destination ${edited}`;
  return refusal(
    "FORBIDDEN",
    `Your role (${actor.role}) may requeue letters only as they are, to where they came from: a requeue ${what} needs the "dead-letters:redirect" permission (admins hold it; auth.permissions in the configuration can grant it to a role). Nothing was started.`,
  );
}
