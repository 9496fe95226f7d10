# The two commands: `make dev` runs Assent with the embedded sandbox; `make test` runs every test.
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# cargo-leptos builds debug code with this flag; tests use it too so both share one build.
TEST_RUSTFLAGS := --cfg erase_components

.PHONY: dev test setup unit e2e lint release bench fuzz

setup:
	@scripts/setup.sh

# Logs as text for a terminal (production default: JSON lines).
# Islands are lazy modules of their own (`--split`): each page loads only its island.
dev: setup
	ASSENT_LOG_FORMAT=$${ASSENT_LOG_FORMAT:-text} cargo leptos watch --split

test: setup lint unit e2e

lint:
	cargo fmt --check
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo clippy --features ssr --all-targets -- -D warnings

unit:
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo test --features ssr

e2e:
	scripts/e2e.sh

# The build production runs: release, each island its own module, every file of the site also
# precompressed (Brotli and gzip) for the server to send as browsers accept.
release: setup
	cargo leptos build --release --split --precompress

# Release build, then the benchmark: prints the figures the README quotes, and compares Assent's
# CPU per view with the seed tutorial's Node.js consent app (bench/seed-node) on the same stub.
bench: setup
	@if [ ! -d bench/seed-node/node_modules ] || [ bench/seed-node/package-lock.json -nt bench/seed-node/node_modules/.package-lock.json ]; then \
	  echo "bench: installing npm packages of bench/seed-node"; (cd bench/seed-node && npm ci --no-audit --no-fund); fi
	$(MAKE) release
	cd bench/floor && cargo build --release --quiet
	cargo run --release --features ssr --example bench

# The long run of the property tests on every browser input (100,000 cases each).
fuzz:
	PROPTEST_CASES=100000 RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo test --release --features ssr --test it props
