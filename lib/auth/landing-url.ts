import "server-only";
import { getConfig } from "@/lib/config";

/**
 * Where a redirect after a sign-in step points: publicUrl plus the path when publicUrl is set (so a
 * sub-path in it is kept, and the browser comes back on the address it uses), else the path alone.
 */
export function landingUrl(pathAndQuery: string): string {
  const config = getConfig();
  return config.auth.publicOrigin ? `${config.publicUrl}${pathAndQuery}` : pathAndQuery;
}
