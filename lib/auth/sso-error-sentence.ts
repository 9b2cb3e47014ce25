// Why a single sign-on did not end in a session, as the sign-in page says it. The callback and the
// proxy sign-in redirect to /sign-in?sso=<code>: only a code travels in the URL, so nobody can put
// words of their own on Redrive's sign-in page. Shared by server and browser: no server imports.

export const SSO_ERRORS = [
  "unreachable",
  "client-auth",
  "state-mismatch",
  "replay",
  "expired",
  "provider-denied",
  "provider-error",
  "no-role",
  "disabled",
  "name-taken",
  "bad-name",
  "proxy-refused",
  "not-configured",
] as const;
export type SsoError = (typeof SSO_ERRORS)[number];

export function isSsoError(v: unknown): v is SsoError {
  return typeof v === "string" && (SSO_ERRORS as readonly string[]).includes(v);
}

export function ssoErrorSentence(code: SsoError, provider: { displayName: string; issuer: string | null }): string {
  const idp = provider.issuer ? `the identity provider (${provider.issuer})` : "the identity provider";
  switch (code) {
    case "unreachable":
      return `Redrive could not reach ${idp}. Try again in a moment; if it persists, an administrator should check that Redrive can reach the provider.`;
    case "client-auth":
      return `${idp[0]!.toUpperCase()}${idp.slice(1)} refused Redrive's client credentials. An administrator should check auth.oidc.clientId and the client secret.`;
    case "state-mismatch":
      return "This sign-in answer does not belong to a sign-in started in this browser (the state does not match), so it was refused. Start again with the button below.";
    case "replay":
      return "This sign-in answer was used already; each one works once. Start again with the button below.";
    case "expired":
      return "The sign-in took too long (more than 10 minutes) and has expired. Start again with the button below.";
    case "provider-denied":
      return `${idp[0]!.toUpperCase()}${idp.slice(1)} did not sign you in (you cancelled, or it refused). Start again with the button below.`;
    case "provider-error":
      return `${idp[0]!.toUpperCase()}${idp.slice(1)} gave an answer Redrive could not accept; the server log has the details. Try again, or ask an administrator.`;
    case "no-role":
      return "You signed in, but you are in no group that gives a role in Redrive, so you were not let in. Ask an administrator to add you to one of the groups auth.groupRoles maps to a role.";
    case "disabled":
      return "Your Redrive account is disabled. Ask an administrator to enable it.";
    case "name-taken":
      return "Your user name belongs to another Redrive account (a local one, or one tied to another identity), so you were not let in. Ask an administrator.";
    case "bad-name":
      return "Your identity provider did not give a user name Redrive can use (it needs letters, digits, '.', '_', '@' or '-', at most 64). Ask an administrator to check auth.oidc.usernameClaim.";
    case "proxy-refused":
      return "The sign-in headers of this request did not come from the trusted proxy (its secret or address did not match), so they were refused. Open Redrive through its proxy.";
    case "not-configured":
      return "Single sign-on is not configured on this Redrive.";
    default: {
      const never: never = code;
      return never;
    }
  }
}
