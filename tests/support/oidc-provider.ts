import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";
import { closedPort } from "./tcp-proxy";

// A real OpenID provider (the certified `oidc-provider` package) on a loopback port, for the
// single sign-on tests. Its own development sign-in form takes any password: the login typed
// names the account, whose groups come from `accounts`. Discovery, authorization code with PKCE,
// the token, userinfo and end-session endpoints are the package's own.

export type TestAccount = { groups: string[]; email?: string };

export type RunningProvider = { issuer: string; port: number; stop(): Promise<void> };

/** The port first (the app's config needs the issuer before the app, and the provider needs the app's URL). */
export async function providerPort(): Promise<number> {
  return closedPort();
}

export async function startOidcProvider(opts: {
  port: number;
  client: { id: string; secret: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
  accounts: Record<string, TestAccount>;
}): Promise<RunningProvider> {
  const issuer = `http://127.0.0.1:${opts.port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.client.id,
        client_secret: opts.client.secret,
        redirect_uris: opts.client.redirectUris,
        post_logout_redirect_uris: opts.client.postLogoutRedirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], profile: ["preferred_username", "name"], email: ["email"], groups: ["groups"] },
    pkce: { required: () => true },
    cookies: { keys: ["a test cookie key that is long enough"] },
    async findAccount(_ctx, sub) {
      const account = opts.accounts[sub];
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, preferred_username: sub, name: sub, email: account.email ?? `${sub}@example.com`, groups: account.groups }),
      };
    },
  });
  // Plain http on loopback: the provider's cookies are not marked Secure.
  provider.proxy = false;
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  return {
    issuer,
    port: opts.port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
