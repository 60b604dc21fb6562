# DVK Registry — the two commands a newcomer needs:
#   make serve   build the release app and serve it on http://127.0.0.1:8080/ (BASE=/sub/path/ for a sub-path)
#   make test    run every test: native (cargo test) and end-to-end in headless Chromium
# Each first installs what it needs (wasm target, pinned Trunk and wasm-bindgen-cli, npm tools, Chromium)
# and skips what is already installed. Nothing is downloaded outside crates.io, npm, PyPI and Debian.

SHELL := /bin/bash
.DEFAULT_GOAL := help
TRUNK_VERSION := 0.21.14
# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)
NPM_DIR := tests/e2e
export PATH := $(CURDIR)/$(NPM_DIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
PORT ?= 8080
# The sub-path `make serve` serves the app under (the app works from any folder of a server).
BASE ?= /

.PHONY: help serve test build tools wasm-target rust-src trunk wasm-bindgen wasm-split npm-tools chromium wasm-release-env bench-tools test-native test-xlsx test-docx test-fuzz test-e2e bench soak

help:
	@echo "make serve   build and serve the app (http://127.0.0.1:$(PORT)/)"
	@echo "make test    run every test (native + browser)"
	@echo "make bench   print the benchmark figures (see BENCHMARKS.md)"
	@echo "make soak    run the province simulation for SOAK_SECONDS (see SIMULATION.md)"

tools: wasm-target rust-src trunk wasm-bindgen wasm-split npm-tools

wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# The standard library's source: the release build compiles std itself, for size (WASM_RELEASE_ENV below).
rust-src:
	@rustup component list --installed | grep -qx 'rust-src' || rustup component add rust-src

trunk:
	@trunk --version 2>/dev/null | grep -q "trunk $(TRUNK_VERSION)" || cargo install trunk --version $(TRUNK_VERSION) --locked

wasm-bindgen:
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$" || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

# Cuts the release wasm into the main module and the chunks fetched on first use (public/split.mjs).
# It has no --version: cargo's list of installed crates says which one is there.
WASM_SPLIT_VERSION := 0.2.4
wasm-split:
	@cargo install --list | grep -q '^wasm_split_cli_support v$(WASM_SPLIT_VERSION):' \
		|| cargo install --locked wasm_split_cli_support --version $(WASM_SPLIT_VERSION) --features build-binary

npm-tools:
	@{ [ -x $(NPM_DIR)/node_modules/.bin/wasm-opt ] && [ -d $(NPM_DIR)/node_modules/playwright-core ] && [ -d $(NPM_DIR)/node_modules/axe-core ] && [ -d $(NPM_DIR)/node_modules/pdfjs-dist ] && [ -f $(NPM_DIR)/node_modules/jsqr/dist/jsQR.js ] && [ -f $(NPM_DIR)/node_modules/pouchdb-server/bin/pouchdb-server ] && [ -f $(NPM_DIR)/node_modules/http-server/package.json ]; } \
		|| (cd $(NPM_DIR) && npm ci --no-audit --no-fund)

chromium:
	@{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 \
		|| { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }

# The release build: dist/ (static files, servable from any sub-path).
# The wasm's std is compiled with the app (`-Zbuild-std`, `optimize_for_size`) and panics trap at once
# (`-Cpanic=immediate-abort`: no panic messages; the error screen comes from the trap, see ui/platform.rs).
# These are unstable cargo/rustc options, which stable 1.95 takes under RUSTC_BOOTSTRAP=1. They are given
# here, for this build only, and not in .cargo/config.toml: there they would also reach the native builds
# that run under RUSTC_BOOTSTRAP=1 (cargo-fuzz) and every wasm build without it (the rustflags would fail).
# The rustflags variable replaces .cargo/config.toml's, so it repeats `--cfg erase_components`.
# `make -s wasm-release-env` prints them (tests/bench/wasm-size.mjs builds with the same).
# `--emit-relocs` and no stripping keep what public/split.mjs needs to cut the module into chunks (its
# relocations and symbol names; wasm-bindgen drops the names afterwards).
WASM_RUSTFLAGS := --cfg erase_components -Zunstable-options -Zlocation-detail=none -Zfmt-debug=none -Cpanic=immediate-abort -Clink-args=--emit-relocs
WASM_RELEASE_ENV := RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
	CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='$(WASM_RUSTFLAGS)' \
	CARGO_PROFILE_RELEASE_STRIP=false

wasm-release-env:
	@printf '%s\n' $(WASM_RELEASE_ENV)

build: tools
	cargo fetch --locked
	env $(WASM_RELEASE_ENV) cargo fetch --locked --target wasm32-unknown-unknown
	env $(WASM_RELEASE_ENV) trunk build --release --offline

# tools/serve.mjs: npm's http-server 14 (tests/e2e/package.json) sending the build's brotli/gzip copies,
# hashed files cached for a year, index.html and sw.js revalidated.
serve: build
	node tools/serve.mjs --dir dist --port $(PORT) --base $(BASE)

# Every native test; tests/simulation.rs runs a short simulation of the province (a few seeds).
test-native:
	cargo test --locked

# The Excel export read back by an independent reader: tests/xlsx/fixture.rs writes the demo province's
# workbook and the values the app shows; tests/xlsx/check.py compares them with openpyxl (from PyPI, pinned
# in tests/xlsx/requirements.txt, installed once into the git-ignored venv tests/xlsx/.venv). A few seconds.
XLSX_VENV := tests/xlsx/.venv
test-xlsx:
	@$(XLSX_VENV)/bin/python -c 'import openpyxl' 2>/dev/null \
		|| { python3 -m venv --clear $(XLSX_VENV) && $(XLSX_VENV)/bin/pip install --quiet -r tests/xlsx/requirements.txt; }
	cargo run --locked --quiet --example xlsx_fixture -- target/xlsx-check
	$(XLSX_VENV)/bin/python tests/xlsx/check.py target/xlsx-check

# The Word report read back by an independent reader: tests/docx/fixture.rs writes the demo province's report
# and what it must say; tests/docx/check.py opens it with python-docx (from PyPI, pinned in
# tests/docx/requirements.txt, installed once into the git-ignored venv tests/docx/.venv). A few seconds.
DOCX_VENV := tests/docx/.venv
test-docx:
	@$(DOCX_VENV)/bin/python -c 'import docx' 2>/dev/null \
		|| { python3 -m venv --clear $(DOCX_VENV) && $(DOCX_VENV)/bin/pip install --quiet -r tests/docx/requirements.txt; }
	cargo run --locked --quiet --example docx_fixture -- target/docx-check
	$(DOCX_VENV)/bin/python tests/docx/check.py target/docx-check

# The simulation (SIMULATION.md) for SOAK_SECONDS, seed after seed from SOAK_SEED, optimised (profile `sim`).
# Prints the seeds tried and the steps per second; a failing seed prints its shrunk history as a unit test.
SOAK_SECONDS ?= 600
SOAK_SEED ?= 1000
soak:
	SOAK_SECONDS=$(SOAK_SECONDS) SOAK_SEED=$(SOAK_SEED) cargo test --locked --profile sim --test simulation -- --ignored --nocapture soak

# Fuzzes the exchange-file reader (tests/fuzz) for FUZZ_SECONDS with cargo-fuzz on the stable toolchain:
# RUSTC_BOOTSTRAP=1 lets stable accept the -Z flags cargo-fuzz passes. New inputs go to tests/fuzz/target
# (ignored); a crash fails the run and its input is saved in tests/fuzz/artifacts/exchange_read/.
FUZZ_SECONDS ?= 30
test-fuzz:
	@cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2 --locked
	@mkdir -p tests/fuzz/target/corpus/exchange_read
	RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tests/fuzz exchange_read \
		tests/fuzz/target/corpus/exchange_read tests/fuzz/corpus/exchange_read \
		-- -max_total_time=$(FUZZ_SECONDS) -dict=tests/fuzz/exchange_read.dict

test-e2e: build chromium
	node --test --test-concurrency=1 tests/e2e/

test: tools chromium test-native test-xlsx test-docx test-fuzz test-e2e

# The benchmark figures of SPEC §6 (Scale) as a table (see BENCHMARKS.md): release build, then
# tests/bench/run.mjs (headless Chromium) and tests/bench/native.rs (`cargo bench --bench native`).
# Medians of BENCH_RUNS runs (default 5), each next to a baseline measured in the same run.
# Lighthouse (npm, tests/bench/package.json) is for the bench only: `make test` never installs it.
bench-tools:
	@[ -f tests/bench/node_modules/lighthouse/package.json ] || (cd tests/bench && npm ci --no-audit --no-fund)

bench: build chromium bench-tools
	node tests/bench/run.mjs --dist dist
