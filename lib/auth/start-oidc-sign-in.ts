import "server-only";
import * as client from "openid-client";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { getOidcClient } from "./get-oidc-client";
import { safeNext } from "./safe-next";
import { hashSecret, newSecret } from "./secrets";

/** A sign-in at the provider is valid this long: the time to type a password and a second factor. */
export const OIDC_LOGIN_MS = 10 * 60_000;

/**
 * Begins an OpenID sign-in (authorization code with PKCE, state and nonce): keeps the verifier,
 * nonce and the page to land on in the store under the state's hash, for whichever replica the
 * callback reaches, and returns the provider's authorization URL and the browser cookie's value.
 * Throws when the provider's discovery fails (unreachable, or not an OpenID provider).
 */
export async function startOidcSignIn(nextPath: string | null): Promise<{ redirectTo: URL; browser: string }> {
  const oidc = getConfig().auth.oidc;
  if (!oidc) throw new Error("auth.oidc is not configured");
  const config = await getOidcClient(oidc);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const browser = newSecret("rdoidc");
  const { prisma } = await getStore();
  await prisma.oidcLogin.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - OIDC_LOGIN_MS) } } });
  await prisma.oidcLogin.create({
    data: {
      stateHash: hashSecret(state),
      browserHash: hashSecret(browser),
      codeVerifier,
      nonce,
      next: safeNext(nextPath),
      expiresAt: new Date(Date.now() + OIDC_LOGIN_MS),
    },
  });
  const redirectTo = client.buildAuthorizationUrl(config, {
    redirect_uri: oidc.redirectUri,
    scope: oidc.scopes.join(" "),
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { redirectTo, browser };
}
