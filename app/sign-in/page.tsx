import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getPagePrincipal } from "@/lib/auth/get-page-principal";
import { safeNext } from "@/lib/auth/safe-next";
import { isSsoError, ssoErrorSentence } from "@/lib/auth/sso-error-sentence";
import { getConfig } from "@/lib/config";

export const metadata: Metadata = { title: "Sign in" };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(params.next);
  const { principal, refused } = await getPagePrincipal();
  // Signed in by the trusted proxy's headers: open a session there, so pages load without a detour.
  if (principal?.via === "proxy") redirect(`/api/auth/proxy/sign-in?next=${encodeURIComponent(next)}`);
  if (principal) redirect(next);
  const { auth, publicUrl } = getConfig();
  const code = Array.isArray(params.sso) ? params.sso[0] : params.sso;
  const ssoError =
    refused ??
    (isSsoError(code) ? ssoErrorSentence(code, { displayName: auth.oidc?.displayName ?? "single sign-on", issuer: auth.oidc?.issuer ?? null }) : null);
  // The provider's round trip starts from publicUrl (which auth.oidc requires), so a sub-path in it just works.
  const sso = auth.oidc ? { label: `Sign in with ${auth.oidc.displayName}`, href: `${publicUrl}/api/auth/oidc/start?next=${encodeURIComponent(next)}` } : null;
  return <SignInForm next={next} notice={null} localAccounts={auth.localAccounts} sso={sso} ssoError={ssoError} />;
}
