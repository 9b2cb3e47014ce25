import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native sockets, WASM and worker files: load these from node_modules at run time, unbundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "pg",
    "amqplib",
    "@nats-io/transport-node",
    "@nats-io/jetstream",
    "@prisma/adapter-pg",
  ],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
