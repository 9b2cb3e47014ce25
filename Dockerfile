# Redrive's container image: Next.js's standalone server run by Redrive's own server.mjs, on Node.js 24.
#
#   buildah bud --format docker -t redrive:latest .      (or: docker build -t redrive:latest .)
#
# It serves on $PORT (3000), applies its database migrations itself at start, runs as uid 10001, and
# stops cleanly on SIGTERM within shutdown.deadlineSeconds (20 s by default). Configure it from the
# environment (REDRIVE_CONFIG_JSON, DATABASE_URL_FILE, …): see the README's "Deploy" section.

# Dependencies, dev tools included (the build needs TypeScript, Tailwind and the Prisma generator).
FROM node:24-bookworm-slim AS deps
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# The app, built as .next/standalone: the server plus only the node_modules files it loads (the
# packages next.config.ts keeps external, PGlite's WASM and data files among them).
FROM deps AS build
# The path Redrive is served under behind a proxy (e.g. /redrive) is fixed at build time:
# buildah bud --build-arg REDRIVE_BASE_PATH=/redrive … (README "Serving under a sub-path").
ARG REDRIVE_BASE_PATH=""
ENV REDRIVE_BASE_PATH=$REDRIVE_BASE_PATH
COPY . .
RUN npm run build

# What runs: no dev dependencies, no npm cache, no build tools.
FROM node:24-bookworm-slim
# The same base path again, for the health check's address (server.mjs reads it from the build).
ARG REDRIVE_BASE_PATH=""
# MALLOC_ARENA_MAX: glibc's malloc arenas, as `npm start` sets them (package.json; README "Memory").
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    MALLOC_ARENA_MAX=2 \
    REDRIVE_BASE_PATH=$REDRIVE_BASE_PATH
WORKDIR /app
RUN groupadd --gid 10001 redrive \
 && useradd --uid 10001 --gid redrive --home-dir /app --no-create-home --shell /usr/sbin/nologin redrive
COPY --from=build /src/.next/standalone ./
COPY --from=build /src/.next/static ./.next/static
COPY --from=build /src/public ./public
# Applied by the app at start (lib/db/migrate.ts reads them from ./prisma/migrations).
COPY --from=build /src/prisma/migrations ./prisma/migrations
# Redrive's server (npm start): the client's real address for the sign-in limits and the audit log,
# and its own SIGTERM handling. It serves the standalone build it sits beside.
COPY --from=build /src/server.mjs ./server.mjs
# The only writable places: the embedded store's folder (when no DATABASE_URL is given) and Next's cache.
RUN mkdir -p .redrive/data .next/cache && chown -R redrive:redrive .redrive .next/cache
USER 10001:10001
EXPOSE 3000
STOPSIGNAL SIGTERM
# The slim base has no curl: Node's own fetch asks the liveness probe.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}${process.env.REDRIVE_BASE_PATH || ''}/api/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The V8 heap's bounds, as `npm start` runs it (package.json; README "Memory").
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=1024", "server.mjs"]
