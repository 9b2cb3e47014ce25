import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { authenticate, type Authenticated } from "./authenticate";

/**
 * The signed-in principal of the page being rendered, and the path it was asked for (set by
 * proxy.ts). Looked up once per request: the root layout and a page's own permission check share it.
 */
export const getPagePrincipal = cache(async (): Promise<{ principal: Authenticated | null; path: string }> => {
  const h = await headers();
  const path = h.get("x-redrive-path") ?? "/";
  return { principal: await authenticate(h), path };
});
