#!/usr/bin/env bash
# Builds Assent, starts it with a fresh sandbox on test ports, and runs Playwright in
# Debian's Chromium, with JavaScript on and off.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Islands are lazy modules of their own (`--split`), as in the release build.
cargo leptos build --split

data=$(mktemp -d)
site=127.0.0.1:${E2E_PORT:-3100}
sandbox=127.0.0.1:${E2E_SANDBOX_PORT:-3130}
mtls=127.0.0.1:${E2E_MTLS_PORT:-3143}
# An empty AUTHORIZATION_SERVER_URL keeps a developer's .env from pointing tests at a tenant.
AUTHORIZATION_SERVER_URL= LEPTOS_SITE_ADDR=$site SANDBOX_ADDR=$sandbox SANDBOX_MTLS_ADDR=$mtls ASSENT_DATA_DIR=$data \
  RUST_LOG=${RUST_LOG:-warn} ./target/debug/assent >"$data/assent.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
status=0
(cd end2end && BASE_URL=http://$site SANDBOX_URL=http://$sandbox playwright test "$@") || status=$?
if [ "$status" = 0 ] && [ "${UPDATE_SCREENSHOTS:-}" = 1 ]; then
  mkdir -p docs/screenshots
  cp end2end/test-results/screens/*.png docs/screenshots/
fi
if [ "$status" != 0 ]; then
  echo "--- assent log ---"
  tail -n 50 "$data/assent.log"
fi
exit "$status"
