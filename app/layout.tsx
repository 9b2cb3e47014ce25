import type { Metadata } from "next";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { SessionProvider, type SessionInfo } from "@/components/auth/session-provider";
import { Shell } from "@/components/layout/shell";
import { getPagePrincipal } from "@/lib/auth/get-page-principal";
import { isPublicPage } from "@/lib/auth/public-pages";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Redrive", template: "%s · Redrive" },
  description: "Consumer health and dead-letter management for NATS JetStream and RabbitMQ",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { principal, path } = await getPagePrincipal();
  const pathname = path.split("?")[0] ?? "/";
  const isPublic = isPublicPage(pathname);
  if (!isPublic && !principal) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  const session: SessionInfo | null = principal ? { name: principal.name, role: principal.role, kind: principal.kind, permissions: [...principal.permissions] } : null;
  return (
    <html lang="en">
      <body className="bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <SessionProvider session={session}>
          <Providers>{isPublic ? <main className="flex min-h-screen items-center justify-center px-4 py-10">{children}</main> : <Shell>{children}</Shell>}</Providers>
        </SessionProvider>
      </body>
    </html>
  );
}
