import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const shared = {
  resolve: {
    alias: {
      "@": root,
      // Server modules import "server-only" to keep them out of browser bundles; tests are servers.
      "server-only": path.join(root, "tests/support/server-only.ts"),
    },
  },
};

export default defineConfig({
  test: {
    projects: [
      { ...shared, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      {
        ...shared,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Broker-heavy files share one machine with two cores: run them one at a time.
          fileParallelism: false,
        },
      },
      {
        ...shared,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        ...shared,
        test: {
          name: "fault",
          include: ["tests/fault/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
          // Timing-sensitive (a 5-minute real-time idle-queue run, restarts of the private RabbitMQ node
          // and nats-server these files start, cut proxies): a group of its own, so no other file runs
          // meanwhile (after the unit tier, before the one-at-a-time integration and e2e files).
          sequence: { groupOrder: 1 },
        },
      },
      {
        ...shared,
        test: {
          name: "image",
          include: ["tests/image/**/*.test.ts"],
          environment: "node",
          testTimeout: 240_000,
          // Building the image (next build inside it) takes minutes; the first run also makes the base.
          hookTimeout: 3_600_000,
          fileParallelism: false,
          // Builds and runs the container image (Dockerfile, buildah): last and alone, as it needs both cores.
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
