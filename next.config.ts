import type { NextConfig } from "next";
import { parseBasePath } from "./lib/parse-base-path";

// The path Redrive is served under (README "Serving under a sub-path"). Next.js fixes it at build
// time: the browser bundles carry it. server.mjs refuses to serve a build under another one.
const basePath = parseBasePath(process.env.REDRIVE_BASE_PATH);
// Where the build goes (default .next): a second build, e.g. one under a base path, beside the first.
const distDir = process.env.REDRIVE_DIST_DIR || ".next";
if (!/^\.?[A-Za-z0-9_-]+$/.test(distDir)) throw new Error(`REDRIVE_DIST_DIR is "${distDir}": it must be a folder name in the project, e.g. ".next-subpath".`);

const nextConfig: NextConfig = {
  basePath,
  distDir,
  // lib/base-path.ts: fetch, window.location, download links, the cookie path and notification links.
  env: { REDRIVE_BUILT_BASE_PATH: basePath },
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
    // Libraries nearly every route uses. Bundled, they sat in a shared chunk that the build wrote
    // once per route under another name, and the server held each copy's source: 23 copies of a
    // 480 KB chunk, 21 MB of the heap. From node_modules they are loaded once (15 copies of 254 KB).
    "yaml",
    "zod",
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
