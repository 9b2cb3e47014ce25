import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // .next/standalone: the server and only the node_modules files it uses, for the container image
  // (Dockerfile). `npm start` in a checkout serves the same build from .next as before.
  output: "standalone",
  // Native sockets, WASM and worker files: load these from node_modules at run time, unbundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "pg",
    "amqplib",
    "@nats-io/transport-node",
    "@nats-io/jetstream",
    "@prisma/adapter-pg",
    // One copy for the sampler (instrumentation) and /api/metrics (routes) alike.
    "prom-client",
  ],
  poweredByHeader: false,
  // forbidden(): a page a role may not open answers 403 with app/forbidden.tsx.
  experimental: { authInterrupts: true },
  // Pages get their CSP (with a per-request nonce) from proxy.ts; API answers are data, never documents.
  async headers() {
    const common = [
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "same-origin" },
      { key: "X-Frame-Options", value: "DENY" },
      { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
      { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
    ];
    return [
      { source: "/:path*", headers: common },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
  typedRoutes: false,
};

export default nextConfig;
