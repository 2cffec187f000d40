# Multi-stage build: the web page with Node, the binary with Rust, and a slim Debian
# runtime with only the binary, CA certificates, the page and the problem bank.
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
COPY --from=web /src/web/dist /src/web/dist
# The page is already built above; build.rs must not look for npm here.
ENV INTERVIEW_COACH_SKIP_WEB_BUILD=1
RUN cargo build --release --locked --bin interview-coach

FROM debian:bookworm-slim
# bubblewrap and the runtimes candidate code runs in (see README "Sandbox"). Docker's
# default seccomp profile blocks user namespaces: run with
# `--security-opt seccomp=unconfined` (or a profile allowing clone/unshare of user
# namespaces) for SANDBOX=bwrap; otherwise `auto` falls back to Landlock + seccomp and
# says so at start.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
       bubblewrap python3 nodejs openjdk-17-jdk-headless g++ curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --create-home coach \
    && mkdir -p /app/data \
    && chown coach:coach /app/data
WORKDIR /app
COPY --from=build /src/target/release/interview-coach /usr/local/bin/interview-coach
COPY --from=build /src/problems /app/problems
COPY --from=web /src/web/dist /app/web/dist
USER coach
# /app/data exists and belongs to `coach` before VOLUME: a new volume is initialised
# from it (owner included), so the service can create its SQLite database there.
# Bound beyond loopback, the web UI requires WEB_ACCESS_TOKEN (pass it at run time).
ENV DATABASE_URL=sqlite:///app/data/interview-coach.db \
    BIND_ADDR=0.0.0.0:8000 \
    WEB_DIST_DIR=/app/web/dist
VOLUME ["/app/data"]
# 8000: web UI, API, /healthz, /readyz. /metrics only when METRICS_ADDR is set (its own
# port, e.g. 0.0.0.0:9100, published only to Prometheus).
EXPOSE 8000
ENTRYPOINT ["interview-coach"]
CMD ["serve"]
