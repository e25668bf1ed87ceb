# orgdesk server image. Build context: the repository root.
#   docker build -t orgdesk .
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://... -e ORGDESK_PUBLIC_URL=https://desk.example.com \
#     -e ORGDESK_AUTH0_DOMAIN=... (see the README) orgdesk
# The browser bundle needs the wasm32 standard library sources, which Debian ships as rust-web-src
# (rustup cannot add the wasm32 target here), so the build stage is Debian with its rustc-web.

FROM debian:bookworm AS build
# The packages scripts/lib.sh installs; wasm-opt comes from npm (binaryen 132: Debian's 108 breaks the bundle).
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      rustc-web cargo-web rust-web-src rust-web-llvm lld-22 gcc libc6-dev ca-certificates nodejs npm brotli \
    && rm -rf /var/lib/apt/lists/*
ENV RUSTC_BOOTSTRAP=1 CARGO_HOME=/cargo PATH=/cargo/bin:$PATH
RUN CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install wasm-bindgen-cli --version 0.2.130 --no-default-features --bin wasm-bindgen
WORKDIR /src
COPY . .
# The same build as scripts/start: the bundle (content-hashed, precompressed) and the server.
RUN cd scripts && npm ci --no-audit --no-fund \
 && cd .. && bash -c 'source scripts/lib.sh && build_site release'

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/orgdesk --create-home orgdesk
COPY --from=build /src/target/release/orgdesk /usr/local/bin/orgdesk
COPY --from=build /src/target/site /usr/share/orgdesk/site
USER orgdesk
WORKDIR /var/lib/orgdesk
ENV ORGDESK_BIND=0.0.0.0:3000 \
    ORGDESK_SITE_ROOT=/usr/share/orgdesk/site \
    ORGDESK_DATA_DIR=/var/lib/orgdesk \
    ORGDESK_LOG_FORMAT=json
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/orgdesk", "healthcheck"]
CMD ["/usr/local/bin/orgdesk"]
