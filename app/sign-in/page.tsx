import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getPagePrincipal } from "@/lib/auth/get-page-principal";
import { safeNext } from "@/lib/auth/safe-next";

export const metadata: Metadata = { title: "Sign in" };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(params.next);
  const { principal } = await getPagePrincipal();
  if (principal) redirect(next);
  return <SignInForm next={next} notice={null} />;
}
