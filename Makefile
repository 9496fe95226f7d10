# The two commands: `make dev` runs Assent with the embedded sandbox; `make test` runs every test.
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# cargo-leptos builds debug code with this flag; tests use it too so both share one build.
TEST_RUSTFLAGS := --cfg erase_components

.PHONY: dev test setup unit e2e lint

setup:
	@scripts/setup.sh

dev: setup
	cargo leptos watch

test: setup lint unit e2e

lint:
	cargo fmt --check
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo clippy --features ssr --all-targets -- -D warnings

unit:
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo test --features ssr

e2e:
	scripts/e2e.sh
