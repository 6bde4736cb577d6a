# syntax=docker/dockerfile:1
#
# segflow in a container: build the release binary with the official Swift image, then run it
# on a slim Debian with only libpq and the few shared libraries the binary still needs.
#
#   docker build -t segflow .
#   docker run --rm -e DATABASE_URL=postgresql://etl@db/shop segflow run --as-of 2026-06-30
#
# Build and runtime are both Debian 12 (bookworm) so the binary's glibc matches.
#
# Base images are pinned to full versions (a Swift patch release, a Debian point release), so a
# rebuild of the same commit gets the same toolchain and system libraries. To pin harder, use
# digests: `docker build --build-arg BUILD_IMAGE=swift@sha256:… --build-arg RUNTIME_IMAGE=debian@sha256:…`
# (`docker buildx imagetools inspect debian:12.11-slim` prints the digest). Bump both on purpose.
# `make lint-deploy` runs hadolint on this file and rejects unpinned base images.

ARG BUILD_IMAGE=swift:6.3.1-bookworm
ARG RUNTIME_IMAGE=debian:12.11-slim

# ---- build ------------------------------------------------------------------------------
FROM ${BUILD_IMAGE} AS build

# CLibPQ links libpq through pkg-config; a static Swift runtime links FoundationNetworking
# against libcurl (-lcurl), which needs the development symlink.
# Package versions are not pinned (DL3008): Debian replaces a security update's predecessor in
# the archive, so an exact version pin stops building within weeks; the base image's point
# release fixes the set, and the image is rebuilt to take security updates.
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev pkg-config libcurl4-openssl-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Resolve dependencies first: this layer is reused until Package.swift changes.
COPY Package.swift ./
RUN swift package resolve

COPY Sources ./Sources
# The EmbedFiles build plugin embeds sql/ and pipelines/default.yml into the binary.
COPY Plugins ./Plugins
COPY sql ./sql
COPY Tests ./Tests
COPY pipelines ./pipelines

# Static Swift runtime: the runtime image needs no Swift toolchain.
RUN swift build -c release --product segflow --static-swift-stdlib

# Stage what the runtime needs: the binary, the SQL resource bundle next to it (Bundle.module
# looks beside the executable), the pipeline files.
WORKDIR /staging
RUN bin="$(swift build --package-path /build -c release --show-bin-path)" \
    && cp "$bin/segflow" ./ \
    && find -L "$bin/" -maxdepth 1 -name '*.resources' -exec cp -Ra {} ./ \; \
    && test -d ./segflow_SegflowSQL.resources/output \
    && cp -R /build/pipelines ./pipelines

# ---- runtime ----------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}

# libpq5: the PostgreSQL client library; libcurl4: FoundationNetworking (Pushgateway);
# tzdata: pipeline time zones; ca-certificates: TLS to PostgreSQL and the Pushgateway.
# Versions not pinned, as above (DL3008).
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libcurl4 libstdc++6 tzdata ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 segflow \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin segflow \
    && mkdir -p /app/metrics && chown segflow /app/metrics

WORKDIR /app
COPY --from=build --chown=root:root /staging /app

# Found first by SegflowSQL, so the binary never falls back to the build path.
ENV SEGFLOW_SQL_DIR=/app/segflow_SegflowSQL.resources

# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd (DL3066).
USER 10001:10001
# The default --pipeline is pipelines/default.yml, relative to /app.
ENTRYPOINT ["/app/segflow"]
CMD ["--help"]
