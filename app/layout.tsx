import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Shell } from "@/components/layout/shell";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Redrive", template: "%s · Redrive" },
  description: "Consumer health and dead-letter management for NATS JetStream and RabbitMQ",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <Providers>
          <Shell>{children}</Shell>
        </Providers>
      </body>
    </html>
  );
}
