# syntax=docker/dockerfile:1
#
# segflow in a container: build the release binary with the official Swift image, then run it
# on a slim Debian with only libpq and the few shared libraries the binary still needs.
#
#   docker build -t segflow .
#   docker run --rm -e DATABASE_URL=postgresql://etl@db/shop segflow run --as-of 2026-06-30
#
# Build and runtime are both Debian 12 (bookworm) so the binary's glibc matches.

ARG SWIFT_VERSION=6.3

# ---- build ------------------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-bookworm AS build

# CLibPQ links libpq through pkg-config; a static Swift runtime links FoundationNetworking
# against libcurl (-lcurl), which needs the development symlink.
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
FROM debian:bookworm-slim

# libpq5: the PostgreSQL client library; libcurl4: FoundationNetworking (Pushgateway);
# tzdata: pipeline time zones; ca-certificates: TLS to PostgreSQL and the Pushgateway.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libcurl4 libstdc++6 tzdata ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin segflow \
    && mkdir -p /app/metrics && chown segflow /app/metrics

WORKDIR /app
COPY --from=build --chown=root:root /staging /app

# Found first by SegflowSQL, so the binary never falls back to the build path.
ENV SEGFLOW_SQL_DIR=/app/segflow_SegflowSQL.resources

USER segflow
# The default --pipeline is pipelines/default.yml, relative to /app.
ENTRYPOINT ["/app/segflow"]
CMD ["--help"]
