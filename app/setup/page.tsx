import type { Metadata } from "next";
import { SetupForm } from "@/components/auth/setup-form";

export const metadata: Metadata = { title: "Set up" };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  if (typeof token !== "string" || token === "") {
    return <p className="max-w-sm text-sm text-zinc-600 dark:text-zinc-400">This page needs the one-time setup link Redrive prints to its log on first start. Open that link, or sign in.</p>;
  }
  return <SetupForm token={token} />;
}
