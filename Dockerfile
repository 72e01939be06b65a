# The mesh-bench workload image: the sample HTTP server (dist/src/workload/main.js, the default command) and the
# CLI (bin/bench.js: the in-cluster load steps are `node bin/bench.js load …` exec'd into the load-client pod,
# src/platform/in-cluster-load.ts). `bench run --target kind` builds
# it with a content-hash tag (src/platform/image-tag.ts), saves it to a file and loads it into the kind nodes
# (src/platform/image-build.ts): never pushed, never tagged latest.
#
# Both stages use the base pinned by digest in clusters/versions.yaml (images.workloadBase);
# test/image-dockerfile.test.ts keeps the two equal, and keeps what is copied from the build context equal to the
# files the image tag hashes (imageInputs). The context itself is cut down to those files by .dockerignore.

FROM node:22-slim@sha256:48e4b67d85f87bd551df43704e24d252f56cc5f8e9718841aace50f19948f0f9 AS build
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# Dependencies first, so a source change reuses this layer. --ignore-scripts: `prepare` (the build) needs the
# sources, which are not here yet; no runtime dependency has an install script (package-lock.json).
COPY package.json package-lock.json ./
RUN ["npm", "ci", "--ignore-scripts"]
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN ["npm", "run", "build"]
RUN ["npm", "prune", "--omit=dev", "--ignore-scripts"]

FROM node:22-slim@sha256:48e4b67d85f87bd551df43704e24d252f56cc5f8e9718841aace50f19948f0f9
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the process: the pods also run with a read-only root filesystem.
# package.json stays: the code finds its root (and version) by it (src/core/package-root.ts).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# The base image's non-root `node` user, by number so runAsNonRoot can verify it (src/platform/manifests.ts).
USER 1000:1000
EXPOSE 8080
# The manifests set their own command; this default serves on the port exposed above.
CMD ["node", "dist/src/workload/main.js", "--host", "0.0.0.0", "--port", "8080"]
