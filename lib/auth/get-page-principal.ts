import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { recordRefusal } from "@/lib/audit/record-refusal";
import { isAppError } from "@/lib/errors";
import { authenticate, type Authenticated } from "./authenticate";
import { clientAddress } from "./request-info";

/**
 * The signed-in principal of the page being rendered, and the path it was asked for (set by
 * proxy.ts). Looked up once per request: the root layout and a page's own permission check share it.
 */
export const getPagePrincipal = cache(async (): Promise<{ principal: Authenticated | null; path: string; refused?: string }> => {
  const h = await headers();
  const path = h.get("x-redrive-path") ?? "/";
  try {
    return { principal: await authenticate(h), path };
  } catch (e) {
    // Forged proxy sign-in headers on a page: no one is signed in, and the refusal is on record.
    if (!isAppError(e) || (e.code !== "UNAUTHENTICATED" && e.code !== "FORBIDDEN")) throw e;
    await recordRefusal("page|proxy-refused", {
      actor: "anonymous",
      address: clientAddress(h),
      action: "auth.refused",
      target: `page:${path.slice(0, 200)}`,
      request: { path: path.slice(0, 200) },
      result: "unauthenticated",
      detail: { via: "proxy", reason: e.message.slice(0, 300) },
    });
    return { principal: null, path, refused: e.message };
  }
});
