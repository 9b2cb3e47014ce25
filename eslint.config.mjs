// Lint checks what the compiler cannot: the layering (browser code imports no server module, broker
// SDKs stay behind the drivers, zod stays out of the browser, one module reads the environment)
// and no explicit `any`.
// Formatting is Prettier's job (.prettierrc), not lint's. docs/CONVENTIONS.md explains the layout.

import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";
import redrive from "./eslint/plugin.mjs";

const TS = ["**/*.ts", "**/*.tsx", "**/*.mts"];
/** The application: what `next build` bundles. Tests and scripts are broker clients of their own. */
const APP = ["app/**", "components/**", "lib/**", "*.ts", "*.tsx", "*.mjs"];

export default defineConfig(
  { ignores: ["node_modules/**", ".next/**", ".next-e2e/**", ".next-subpath/**", "lib/db/generated/**", "next-env.d.ts", "coverage/**"] },
  {
    files: [...TS, "**/*.mjs"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: "latest", sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "@typescript-eslint": tseslint.plugin, redrive },
  },
  // typescript-eslint's recommended set (syntax only, no type information: lint stays a few seconds).
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: TS })),
  {
    files: TS,
    rules: {
      // A boundary typed `any` turns the compiler off for everything downstream; `unknown` + zod instead.
      "@typescript-eslint/no-explicit-any": "error",
      // `const { secret: _secret, ...rest } = row` is how a field is left out; callbacks keep their full signature.
      "@typescript-eslint/no-unused-vars": ["error", { args: "none", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Object-literal methods (a driver's source or publisher) reach their owner as `const broker = this`.
      "@typescript-eslint/no-this-alias": "off",
    },
  },
  {
    // Tests count and ack in comma expressions (`for (…) (m.ack(), n++)`); terse, and only in tests.
    files: ["tests/**"],
    rules: { "@typescript-eslint/no-unused-expressions": "off" },
  },
  {
    // Components and client hooks run in the browser: no server module, no credentials, no Prisma.
    files: ["components/**", "lib/queries/**"],
    rules: { "redrive/no-server-import": "error" },
  },
  {
    // Broker SDKs are imported only by the drivers in lib/brokers/<kind>/ (one seam per broker).
    files: APP,
    ignores: [
      "lib/brokers/**",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "amqplib", message: "amqplib is imported only under lib/brokers/ (the RabbitMQ driver); go through the driver registry." }],
          patterns: [{ group: ["@nats-io/*"], message: "@nats-io is imported only under lib/brokers/ (the NATS driver); go through the driver registry." }],
        },
      ],
    },
  },
  {
    // Configuration is parsed and validated once, in lib/config.ts; everything else asks getConfig().
    files: APP,
    ignores: [
      "lib/config.ts",
      // Next.js runs instrumentation in both runtimes and tells it which through NEXT_RUNTIME, before any config exists.
      "instrumentation.ts",
      // NODE_ENV is a build-time constant Next inlines into the proxy's own bundle, which does not load
      // lib/config.ts (that reads files); the proxy only asks whether this is `next dev`.
      "proxy.ts",
      // The launcher `npm start` runs: it hands Next and lib/config.ts their settings (PORT, NODE_ENV,
      // REDRIVE_PEER_HEADER), and checks REDRIVE_BASE_PATH against the build, through the environment
      // before either is loaded.
      "server.mjs",
      // Writes NEXT_MANUAL_SIG_HANDLE, Next's own switch that hands SIGTERM to Redrive; it reads nothing.
      "lib/lifecycle/install-shutdown.ts",
      // Read by Next.js before anything is bundled: REDRIVE_BASE_PATH (basePath, fixed at build time)
      // and REDRIVE_DIST_DIR (where the build goes); lib/config.ts does not exist for it yet.
      "next.config.ts",
      // REDRIVE_BUILT_BASE_PATH is no setting read at run time but a constant next.config.ts's `env`
      // writes into every bundle at build, the browser's included (where lib/config.ts cannot go).
      "lib/base-path.ts",
    ],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Only lib/config.ts reads process.env: add the setting to its schema and read it with getConfig()." },
      ],
    },
  },
);
