# syntax=docker/dockerfile:1
# Switchyard server with the first-party plugins. Build: docker build -t switchyard .
# Run:   docker run -p 8080:8080 -v switchyard-data:/data switchyard
# Several nodes on NATS JetStream: docker compose up (compose.yaml).

# Stage 1: install, compile the server, its packages and the plugins, then drop the dev dependencies.
FROM node:20-slim AS build
WORKDIR /src
ENV CI=true
RUN corepack enable
COPY . .
RUN pnpm install --frozen-lockfile \
  && pnpm turbo run build --filter=@switchyard/server... --filter=./plugins/* --output-logs=errors-only \
  && pnpm install --frozen-lockfile --prod --config.confirmModulesPurge=false

# Stage 2: what runs. The layout is the repository's (pnpm's links are relative), without sources' build tools.
FROM node:20-slim
ENV NODE_ENV=production \
    PORT=8080 \
    SWITCHYARD_HOST=0.0.0.0 \
    SWITCHYARD_DATA=/data
WORKDIR /app
COPY --from=build --chown=node:node /src/package.json ./package.json
COPY --from=build --chown=node:node /src/node_modules ./node_modules
COPY --from=build --chown=node:node /src/packages ./packages
COPY --from=build --chown=node:node /src/apps/server ./apps/server
COPY --from=build --chown=node:node /src/plugins ./plugins
COPY --from=build --chown=node:node /src/config ./config
RUN mkdir -p /data && chown node:node /data
# Not root: the server needs no privilege; /data (the store, tokens, plugin databases) and /app are the node user's.
USER node
VOLUME ["/data"]
EXPOSE 8080
# /readyz is public and answers 200 only once the plugins, the store and the transport are up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/server/dist/cli.js", "start", "--config", "config/switchyard.yaml"]
