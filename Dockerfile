# Gateway image. Code runs in sandboxes on the Docker daemon the gateway is pointed at
# (DOCKER_HOST / socket), never inside this container.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npx esbuild libs/sandbox/src/rootfs/build-rootfs.cli.ts --bundle --platform=node --target=node20 --outfile=dist/sandbox-build.cjs \
 && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends debootstrap ca-certificates docker.io gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
# The sandbox tree's unpacker is compiled from this source, and its hash is part of the tree's.
COPY --from=build /app/libs/sandbox/native ./libs/sandbox/native
ENV NODE_ENV=production PORT=3000
EXPOSE 3000
CMD ["node", "dist/apps/gateway/src/main.js"]
