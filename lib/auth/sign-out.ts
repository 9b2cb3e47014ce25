import "server-only";
import * as client from "openid-client";
import { auditTarget } from "@/lib/audit/actions";
import { recordEvent } from "@/lib/audit/record-event";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { log } from "@/lib/log";
import type { Authenticated } from "./authenticate";
import { getOidcClient } from "./get-oidc-client";
import { forgetSession } from "./session-cache";

/**
 * Ends the caller's session (an API token has none: it is revoked by an admin instead). For an
 * account made by OpenID sign-in, also answers the provider's end_session_endpoint (when its
 * discovery names one and auth.oidc.endSession is on), for the browser to sign out there too.
 */
export async function signOut(principal: Authenticated, address: string | null): Promise<{ signedOut: boolean; endSessionUrl?: string }> {
  if (!principal.sessionId) return { signedOut: false };
  const { prisma } = await getStore();
  await prisma.session.deleteMany({ where: { id: principal.sessionId } });
  forgetSession(principal.sessionId);
  const user = await prisma.user.findUnique({ where: { id: principal.id }, select: { ssoSource: true } });
  await recordEvent(prisma, {
    actor: principal.name,
    address,
    action: "auth.sign-out",
    target: auditTarget.user(principal.name),
    request: {},
    result: "ok",
    detail: user?.ssoSource ? { via: user.ssoSource } : null,
  });
  const endSessionUrl = user?.ssoSource === "oidc" ? await providerSignOut() : undefined;
  return endSessionUrl ? { signedOut: true, endSessionUrl } : { signedOut: true };
}

async function providerSignOut(): Promise<string | undefined> {
  const { auth, publicUrl } = getConfig();
  if (!auth.oidc?.endSession) return undefined;
  try {
    const config = await getOidcClient(auth.oidc);
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(config, { client_id: auth.oidc.clientId, post_logout_redirect_uri: `${publicUrl}/sign-in` }).href;
  } catch (e) {
    // Redrive's own session has ended either way.
    log.warn("the OpenID provider's sign-out address could not be read", { error: e });
    return undefined;
  }
}
