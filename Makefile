# Hearth — `make run` starts the app, `make test` runs every test. Both install what is missing.
SHELL := bash
.DEFAULT_GOAL := run
CARGO ?= cargo

UI_SOURCES := $(shell find ui/src ui/index.html ui/package.json ui/vite.config.ts ui/tsconfig.json -type f 2>/dev/null)

.PHONY: run test lint fmt ui bindings bench fuzz bundle deps-run deps-test clean

deps-run:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh test

# The webview's files; rebuilt only when its sources change.
ui/dist/index.html: $(UI_SOURCES) ui/node_modules/.package-lock.json
	@echo "ui: building"
	@npm --prefix ui run --silent build >/dev/null
	@touch $@

ui/node_modules/.package-lock.json: ui/package-lock.json
	@npm --prefix ui ci --no-audit --no-fund --loglevel=error
	@touch $@

ui: ui/dist/index.html

run: deps-run ui
	$(CARGO) run --quiet --bin hearth

# Regenerates ui/src/bindings from the Rust types, then what the list of operations
# (hearth_api::ops) generates: ui/src/generated/commands.ts, docs/API-REFERENCE.md and
# src-tauri/commands/names.txt. A test fails when any of them is stale.
bindings:
	$(CARGO) run --quiet -p hearth-engine --bin gen-bindings
	$(CARGO) run --quiet -p hearth-api --bin gen-commands

lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --quiet --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

test: deps-test ui lint
	npm --prefix ui test --silent
	xvfb-run -a dbus-run-session -- scripts/with-session.sh \
		$(CARGO) nextest run --workspace --no-fail-fast

# The last one is the chat view in the real webview, under Xvfb: the app as the tests build it
# (the webview's work is what is measured; the backend is not its bottleneck).
bench: deps-test ui
	$(CARGO) bench --quiet -p hearth-engine --bench pipeline
	$(CARGO) bench --quiet -p hearth-engine --bench sessions
	$(CARGO) bench --quiet -p hearth-engine --bench search
	xvfb-run -a dbus-run-session -- scripts/with-session.sh \
		$(CARGO) bench --quiet --profile dev -p hearth --bench webview

# The stream decoders under libFuzzer, FUZZ_SECONDS (default 60) each.
fuzz: deps-run
	scripts/fuzz.sh

# A release build and installable packages, with the Tauri CLI.
bundle: deps-run ui
	.tools/node_modules/.bin/tauri build --bundles deb

clean:
	$(CARGO) clean
	rm -rf ui/dist
