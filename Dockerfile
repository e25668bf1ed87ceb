# orgdesk server image. Build context: the repository root.
#   docker build -t orgdesk .
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://... -e ORGDESK_PUBLIC_URL=https://desk.example.com \
#     -e ORGDESK_AUTH0_DOMAIN=... (see the README) orgdesk
# The browser bundle needs the wasm32 standard library sources, which Debian ships as rust-web-src
# (rustup cannot add the wasm32 target here), so the build stage is Debian with its rustc-web.

FROM debian:bookworm AS build
# The packages scripts/lib.sh installs; wasm-opt comes from npm (binaryen 132: Debian's 108 breaks the bundle).
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      rustc-web cargo-web rust-web-src rust-web-llvm lld-22 gcc libc6-dev ca-certificates nodejs npm \
    && rm -rf /var/lib/apt/lists/* \
    && npm install -g binaryen@132
ENV RUSTC_BOOTSTRAP=1 CARGO_HOME=/cargo
RUN cargo install wasm-bindgen-cli --version 0.2.130
WORKDIR /src
COPY . .
RUN cargo build --lib --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort \
      --no-default-features --features hydrate --profile wasm-release \
 && mkdir -p site/pkg \
 && /cargo/bin/wasm-bindgen --target web --no-typescript --out-dir site/pkg --out-name orgdesk \
      target/wasm32-unknown-unknown/wasm-release/orgdesk.wasm \
 && mv site/pkg/orgdesk_bg.wasm site/pkg/orgdesk.wasm \
 && wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int -o site/pkg/orgdesk.wasm site/pkg/orgdesk.wasm \
 && cp style/main.css site/pkg/orgdesk.css \
 && cp -r public/. site/ \
 && cargo build --release --bin orgdesk --features ssr

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/orgdesk --create-home orgdesk
COPY --from=build /src/target/release/orgdesk /usr/local/bin/orgdesk
COPY --from=build /src/site /usr/share/orgdesk/site
USER orgdesk
WORKDIR /var/lib/orgdesk
ENV ORGDESK_BIND=0.0.0.0:3000 \
    ORGDESK_SITE_ROOT=/usr/share/orgdesk/site \
    ORGDESK_DATA_DIR=/var/lib/orgdesk \
    ORGDESK_LOG_FORMAT=json
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/orgdesk", "healthcheck"]
CMD ["/usr/local/bin/orgdesk"]
