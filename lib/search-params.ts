import type { z } from "zod";

// The API query string of a list, typed by the list's own schema: a parameter the route does not
// parse is a compile error in the client, not a filter the server silently ignores.

/** One value per parameter the schema reads; undefined leaves the parameter out. */
export type QueryParamsOf<S extends z.ZodObject> = { [K in keyof z.input<S>]?: string | undefined };

/** The parameters in the order given (links and request logs stay stable). */
export function toSearchParams<S extends z.ZodObject>(params: QueryParamsOf<S>): URLSearchParams {
  const p = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (typeof value === "string") p.set(name, value);
  return p;
}
