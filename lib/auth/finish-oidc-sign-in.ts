import "server-only";
import * as client from "openid-client";
import { auditTarget } from "@/lib/audit/actions";
import { recordEvent } from "@/lib/audit/record-event";
import { recordRefusal } from "@/lib/audit/record-refusal";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";
import { getOidcClient } from "./get-oidc-client";
import { readGroups } from "./read-groups";
import { hashSecret } from "./secrets";
import { signInSso, SsoRefusal } from "./sign-in-sso";
import type { SsoError } from "./sso-error-sentence";
import { startSession } from "./start-session";

// The provider's redirect back: the state must name a sign-in this browser started (its cookie),
// not yet used and not expired; it is marked used before the code is exchanged, so a replayed
// callback is refused even while the first is still in flight. The code is exchanged with the PKCE
// verifier, and the ID token's signature, issuer, audience and nonce are checked (openid-client).
// Groups and the user name come from the ID token, else from the userinfo endpoint.

const UNREACHABLE = /fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|timed? ?out|aborted|socket hang up/i;

export type OidcSignedIn = { token: string; maxAgeMs: number; next: string; user: { name: string; role: string } };

export async function finishOidcSignIn(
  params: URLSearchParams,
  browser: string | undefined,
  from: { address: string | null; userAgent: string | null },
): Promise<OidcSignedIn> {
  const oidc = getConfig().auth.oidc;
  if (!oidc) throw new SsoRefusal("not-configured", "auth.oidc is not configured.");
  const { prisma } = await getStore();
  const anonymous = async (reason: SsoError, sentence: string, detail: Record<string, unknown> = {}): Promise<never> => {
    // Nobody is known yet: written at a bounded rate, like other refused requests.
    await recordRefusal(`oidc callback|${reason}`, {
      actor: "anonymous",
      address: from.address,
      action: "auth.sign-in",
      target: null,
      request: {},
      result: "refused",
      detail: { via: "oidc", issuer: oidc.issuer, reason, ...detail },
    });
    throw new SsoRefusal(reason, sentence);
  };

  const state = params.get("state");
  const login = state ? await prisma.oidcLogin.findUnique({ where: { stateHash: hashSecret(state) } }) : null;
  if (!login)
    return anonymous("state-mismatch", "The sign-in answer's state matches no sign-in started here.", { stateKnown: false, cookie: browser !== undefined });
  // A spent answer is a replay wherever it comes from (the browser that used it no longer has its cookie).
  if (login.usedAt) return anonymous("replay", "This sign-in answer was used already.");
  if (!browser || hashSecret(browser) !== login.browserHash) {
    return anonymous("state-mismatch", "The sign-in answer's state belongs to a sign-in started in another browser.", {
      stateKnown: true,
      cookie: browser !== undefined,
    });
  }
  if (login.expiresAt.getTime() <= Date.now()) return anonymous("expired", "The sign-in has expired.");
  const claimed = await prisma.oidcLogin.updateMany({ where: { id: login.id, usedAt: null }, data: { usedAt: new Date() } });
  if (claimed.count === 0) return anonymous("replay", "This sign-in answer was used already.");
  if (params.has("error")) {
    return anonymous(params.get("error") === "access_denied" ? "provider-denied" : "provider-error", "The provider did not sign the user in.", {
      error: params.get("error")?.slice(0, 100),
      description: params.get("error_description")?.slice(0, 300),
    });
  }

  let config: client.Configuration;
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    config = await getOidcClient(oidc);
    // The URL the provider sent the browser to, as registered (publicUrl), whatever host or path prefix this request arrived with.
    const currentUrl = new URL(`${oidc.redirectUri}?${params.toString()}`);
    tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: state!,
      expectedNonce: login.nonce,
    });
  } catch (e) {
    const reason = classify(e);
    log.warn("an OpenID sign-in failed at the code exchange", { issuer: oidc.issuer, reason, error: e });
    return anonymous(reason, "The code exchange with the provider failed.", { error: describeError(e).slice(0, 300) });
  }

  const idClaims = tokens.claims();
  if (!idClaims) return anonymous("provider-error", "The provider sent no ID token.");
  let claims: Record<string, unknown> = { ...idClaims };
  const wanted = [oidc.groupsClaim, oidc.usernameClaim ?? "preferred_username"];
  if (wanted.some((c) => claims[c] === undefined) && config.serverMetadata().userinfo_endpoint) {
    try {
      const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...info, ...claims };
    } catch (e) {
      log.warn("the OpenID userinfo endpoint did not answer; using the ID token's claims", { issuer: oidc.issuer, error: e });
    }
  }
  const nameClaim = oidc.usernameClaim ?? (typeof claims.preferred_username === "string" ? "preferred_username" : "email");
  const name = typeof claims[nameClaim] === "string" ? (claims[nameClaim] as string) : "";
  const groups = readGroups(claims[oidc.groupsClaim]);
  const identity = { via: "oidc" as const, issuer: String(idClaims.iss), subject: idClaims.sub, name, groups };
  const user = await signInSso(prisma, identity, from.address);
  const session = await startSession(prisma, user.id, from);
  await recordEvent(prisma, {
    actor: user.name,
    address: from.address,
    action: "auth.sign-in",
    target: auditTarget.user(user.name),
    request: { name: user.name },
    result: "ok",
    detail: { via: "oidc", issuer: identity.issuer, sub: identity.subject, role: user.role, session: session.id },
  });
  return { token: session.token, maxAgeMs: session.maxAgeMs, next: login.next, user };
}

function classify(e: unknown): SsoError {
  if (e instanceof client.ResponseBodyError) return e.error === "invalid_client" || e.error === "unauthorized_client" ? "client-auth" : "provider-error";
  // A 401 with WWW-Authenticate from the token endpoint: the client's credentials were refused.
  if (e instanceof client.WWWAuthenticateChallengeError) return e.status === 401 ? "client-auth" : "provider-error";
  if (e instanceof client.AuthorizationResponseError) return e.error === "access_denied" ? "provider-denied" : "provider-error";
  return UNREACHABLE.test(describeError(e)) ? "unreachable" : "provider-error";
}
