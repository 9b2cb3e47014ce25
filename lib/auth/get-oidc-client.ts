import "server-only";
import * as client from "openid-client";
import { getConfig, type OidcConfig } from "@/lib/config";
import { log } from "@/lib/log";

// The provider's metadata, read from its discovery document at the first sign-in and kept for the
// process (a failed discovery is not kept: the next sign-in tries again, so a provider that was
// down at start does not need a restart).

type Holder = { key: string; config: Promise<client.Configuration> };
const holder = globalThis as typeof globalThis & { __redriveOidc?: Holder };

const TIMEOUT_SECONDS = 10;

export function getOidcClient(oidc: OidcConfig | null = getConfig().auth.oidc): Promise<client.Configuration> {
  if (!oidc) return Promise.reject(new Error("auth.oidc is not configured"));
  const key = `${oidc.issuer}|${oidc.clientId}`;
  if (holder.__redriveOidc?.key === key) return holder.__redriveOidc.config;
  const auth = oidc.clientSecret !== undefined ? client.ClientSecretBasic(oidc.clientSecret) : client.None();
  const config = client.discovery(new URL(oidc.issuer), oidc.clientId, undefined, auth, {
    timeout: TIMEOUT_SECONDS,
    // Plain http is accepted only for a provider on this machine (checked in lib/config.ts).
    ...(oidc.insecure ? { execute: [client.allowInsecureRequests] } : {}),
  });
  holder.__redriveOidc = { key, config };
  config.catch((e: unknown) => {
    if (holder.__redriveOidc?.config === config) holder.__redriveOidc = undefined;
    log.warn("the OpenID provider's discovery failed", { issuer: oidc.issuer, error: e });
  });
  return config;
}
