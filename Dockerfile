# syntax=docker/dockerfile:1
# Build: docker build -t portcullis .
# Run:   docker run -p 4444:4444 -p 4445:4445 -v portcullis:/var/lib/portcullis portcullis

FROM rust:1.95-bookworm AS build
WORKDIR /src
# Dependencies first, so source edits do not rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked && rm -rf src
COPY src ./src
COPY migrations ./migrations
RUN touch src/main.rs src/lib.rs && cargo build --release --locked \
    && strip target/release/portcullis

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/portcullis --create-home portcullis
COPY --from=build /src/target/release/portcullis /usr/local/bin/portcullis
COPY config /etc/portcullis
USER 10001:10001
ENV DATA_DIR=/var/lib/portcullis \
    SERVE_PUBLIC_HOST=0.0.0.0 \
    SERVE_ADMIN_HOST=0.0.0.0
VOLUME ["/var/lib/portcullis"]
EXPOSE 4444 4445
ENTRYPOINT ["portcullis"]
CMD ["serve", "all"]
