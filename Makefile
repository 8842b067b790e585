# PerfSPEC Learn: `make serve` to use the app locally, `make test` for every check CI runs.

# One target dir outside the clone, shared by every clone, cargo and trunk alike: CI clones afresh
# each run, and a release build of burn costs 20+ minutes. Trunk runs `cargo build` and reads the
# artifacts' paths from cargo, so it follows CARGO_TARGET_DIR too.
CARGO_TARGET_DIR ?= $(HOME)/.cache/perfspec/target
export CARGO_TARGET_DIR

# Trunk finds wasm-opt (npm binaryen 132) on PATH; set in the recipe's own shell line because
# make's exported PATH does not reliably reach commands it executes directly.
TOOLS_PATH := PATH="$(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$$PATH"

.PHONY: serve build test tools bench bench-wasm bench-wasm-replay bench-wasm-lstm bench-browser bench-models

serve: tools
	$(TOOLS_PATH) trunk serve --release --address 127.0.0.1 --port 8080

build: tools
	$(TOOLS_PATH) trunk build --release

test:
	bash scripts/install-tools.sh browser
	bash scripts/check.sh

tools:
	bash scripts/install-tools.sh

# Benchmarks (see ARCHITECTURE.md, Tests and benchmarks): not part of `make test`; figures go
# to BENCHMARKS.md.
bench:
	cargo bench -p perfspec

# The engine's ingest in WebAssembly in headless Chromium, on the same bytes as `make bench`.
bench-wasm: tools
	CHROMEDRIVER=$${CHROMEDRIVER:-/usr/bin/chromedriver} $(TOOLS_PATH) \
	  cargo bench --target wasm32-unknown-unknown -p perfspec-web --bench ingest_wasm

# The replay of a simulated 1 M-event log in WebAssembly, beside `cargo bench --bench replay_large`.
bench-wasm-replay: tools
	CHROMEDRIVER=$${CHROMEDRIVER:-/usr/bin/chromedriver} WASM_BINDGEN_TEST_TIMEOUT=3600 $(TOOLS_PATH) \
	  cargo bench --target wasm32-unknown-unknown -p perfspec-web --bench replay_wasm

# One LSTM epoch in WebAssembly, beside `cargo bench -p perfspec --bench models -- lstm/epoch`.
bench-wasm-lstm: tools
	CHROMEDRIVER=$${CHROMEDRIVER:-/usr/bin/chromedriver} $(TOOLS_PATH) \
	  cargo bench --target wasm32-unknown-unknown -p perfspec-web --bench lstm_wasm

# SIZE is the generated log's size in MB for the browser ingest benchmark.
SIZE ?= 1000
bench-browser: tools
	cargo build --release -p perfspec-cli
	$(TOOLS_PATH) trunk build --release --public-url /perfspec-learn/
	$(TOOLS_PATH) node tests/e2e/bench.mjs $(SIZE)

# The learners in the browser: INPUT is `sample` or a number of simulated audit events.
INPUT ?= sample
bench-models: tools
	cargo build --release -p perfspec-cli
	$(TOOLS_PATH) trunk build --release --public-url /perfspec-learn/
	$(TOOLS_PATH) node tests/e2e/bench-models.mjs $(INPUT)
