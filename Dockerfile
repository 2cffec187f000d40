# Multi-stage build: compile in the Rust image, run from a slim Debian with only the
# binary, CA certificates and the problem bank.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin interview-coach

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --create-home coach
WORKDIR /app
COPY --from=build /src/target/release/interview-coach /usr/local/bin/interview-coach
COPY --from=build /src/problems /app/problems
USER coach
ENV DATABASE_URL=sqlite:///app/data/interview-coach.db \
    BIND_ADDR=0.0.0.0:8000
VOLUME ["/app/data"]
EXPOSE 8000
ENTRYPOINT ["interview-coach"]
CMD ["serve"]
