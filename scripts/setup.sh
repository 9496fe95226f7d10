#!/usr/bin/env bash
# Installs whatever is missing to build, run and test Assent. Idempotent: a second run
# takes seconds. Only crates.io, npm and Debian packages are used.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v chromium >/dev/null 2>&1; then
  say "installing Debian's chromium"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends chromium
fi

# Redis for the scale-out tests: the tests start their own private server from this binary
# (never a Redis that happens to run here). Debian's package may start its own service on 6379;
# the tests do not use it.
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  say "installing Debian's redis-server"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends redis-server
fi

# PostgreSQL for the consent-records tests: they start their own cluster (initdb into a temporary
# directory, on a free port) from these programs, never a server that happens to run here.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  say "installing Debian's postgresql"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends postgresql
fi

# cargo-leptos 0.3.11 needs a newer rustc than this toolchain; 0.3.10 installs with --locked.
if [[ "$(cargo-leptos --version 2>/dev/null || true)" != *" 0.3.10"* ]]; then
  say "installing cargo-leptos 0.3.10 (about 15 minutes, once)"
  cargo install --locked cargo-leptos --version 0.3.10
fi

# The wasm-bindgen CLI must equal the wasm-bindgen in Cargo.lock exactly. It installs only
# without --locked (its lock names a webpki-roots the registry does not have).
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg"* ]]; then
  say "installing wasm-bindgen-cli $wbg"
  cargo install -f wasm-bindgen-cli --version "$wbg"
fi

# Playwright, sass and wasm-opt (binaryen; never Debian's, whose wasm-opt breaks the wasm).
if [ ! -x end2end/node_modules/.bin/playwright ] || [ ! -x end2end/node_modules/.bin/wasm-opt ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing npm packages of end2end"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
