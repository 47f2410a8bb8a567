# Covenant: convenience targets over CMake. `make demo` and `make test` work as root on a fresh Debian 12 machine
# that has only the compiler toolchain: they install the missing Debian packages first (see `deps`).
#
#   make deps           install the missing Debian packages (apt-get; only when something is missing), and the npm
#                       packages of editors/vscode (npm ci, when node_modules is missing or older than the lock file)
#   make build          configure and build Release in build/
#   make demo           deps + build, then classify the shipped case files (kb/cases) with the core packs, as a table
#                       and as the HTML page build/report.html
#                       (rules/core) and print the table
#   make test           deps + build + the whole suite (ctest), then the suite again under ASan+UBSan in build-asan/,
#                       then the fuzz smoke run
#   make check          build + the Release suite only
#   make fuzz           build the libFuzzer targets (tests/fuzz) with clang under ASan+UBSan in build-fuzz/ and run each
#                       for SECONDS (default 60) with the seed corpus and dictionary; fails on any finding
#                       (reproducers in build-fuzz/fuzz-artifacts/). `make test` ends with a short run of the same
#                       (fuzz-smoke, FUZZ_SMOKE_SECONDS=20 per target)
#   make soak           the long checks (not part of `make test`): the oracle test on fresh random programs for
#                       SECONDS (default 60; e.g. `make soak SECONDS=3600`), then the memory soak
#                       (bench/soak_memory.sh: FIRINGS, default 10,000,000 per workload, under a fixed ceiling)
#   make bench          benchmarks against CLIPS 6.30 (installs Debian's clips; not part of `make test`), writes
#                       docs/benchmarks.md
#   make golden-update  regenerate tests/golden/*/expected.* and the outputs in docs/examples.md from the current
#                       covenant binary (review the diff!)
#   make install        build, then `cmake --install build` (PREFIX=/usr/local by default; docs/install.md)
#   make package        build, then the Debian package build/covenant_<version>_<arch>.deb (CPack)
#   make clean          remove build/, build-asan/ and build-fuzz/

BUILD_DIR      ?= build
ASAN_BUILD_DIR ?= build-asan
FUZZ_BUILD_DIR ?= build-fuzz
SECONDS        ?= 60
FUZZ_SMOKE_SECONDS ?= 20
JOBS           ?= $(shell nproc 2>/dev/null || echo 2)
COVENANT        = $(BUILD_DIR)/repl/covenant

# Debian's nodejs and npm (the VS Code extension's grammar test, editors/vscode) only when there is no npm on PATH:
# a Node.js installed otherwise (NodeSource's nodejs bundles npm and conflicts with Debian's npm) is kept.
NODE_DEB_PACKAGES := $(if $(shell command -v npm 2>/dev/null),,nodejs npm)
# clips and clips-common (CLIPS 6.30 and its examples): the test that runs mab.clp beside rules/examples/monkey.rules.
# chromium: the test that opens `covenant report`'s HTML page in a real browser (tests/browser); libgraphviz-dev: the
# page's derivation graphs, drawn in-process. python3-matplotlib: bench/scaling.py's log-log plot (docs/benchmarks.md).
DEB_PACKAGES := libboost-dev libfmt-dev libyaml-cpp-dev catch2 libcli11-dev libedit-dev nlohmann-json3-dev pkg-config tmux \
                cmake g++ make clang libclang-rt-14-dev \
                pybind11-dev python3-dev python3-pytest python3-pandas dpkg-dev file clips clips-common chromium libgraphviz-dev \
                python3-matplotlib \
                $(NODE_DEB_PACKAGES)


# One step at a time: `deps` may run apt-get, and `test` builds two trees that share the two cores.
.NOTPARALLEL:

.PHONY: all deps configure build demo test check asan fuzz-build fuzz fuzz-smoke soak bench golden-update clean install package

all: build

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "make deps: missing Debian packages:$$missing"; \
	  echo "make deps: run as root, or: sudo apt-get install$$missing"; exit 1; \
	fi; \
	echo "make deps: installing$$missing"; \
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing
	@if [ ! -d editors/vscode/node_modules ] || [ editors/vscode/package-lock.json -nt editors/vscode/node_modules ]; then \
	  echo "make deps: npm ci --prefix editors/vscode (the packages of the VS Code grammar test, from package-lock.json)"; \
	  npm ci --prefix editors/vscode --no-audit --no-fund && touch editors/vscode/node_modules; \
	fi

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release

configure: $(BUILD_DIR)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

demo: build
	@echo "=== covenant classify kb/cases  (rules: rules/core, threats: kb/threats.yaml)"
	@$(COVENANT) classify kb/cases --format table
	@$(COVENANT) report kb/cases kb/series --out $(BUILD_DIR)/report.html 2>/dev/null
	@echo "=== the same as a page to hand on: $(BUILD_DIR)/report.html (open it in a browser; docs/report.md)"

PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

package: build
	cd $(BUILD_DIR) && cpack -G DEB
	@ls $(BUILD_DIR)/covenant_*.deb

check: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD_DIR) -DCOVENANT_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(ASAN_BUILD_DIR) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0 \
	  ctest --test-dir $(ASAN_BUILD_DIR) --output-on-failure -j$(JOBS)

# The libFuzzer targets need clang (libFuzzer is clang's); only they are built in build-fuzz/, at -O1 with assertions on
# (build type Fuzz: no -DNDEBUG) and line tables for the sanitizers' stack traces.
fuzz-build: deps
	cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_CXX_COMPILER=clang++ -DCOVENANT_FUZZ=ON -DCMAKE_BUILD_TYPE=Fuzz \
	  -DCMAKE_CXX_FLAGS_FUZZ="-O1 -gline-tables-only"
	cmake --build $(FUZZ_BUILD_DIR) -j$(JOBS) --target fuzz_targets

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD_DIR) $(SECONDS)

fuzz-smoke: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SMOKE_SECONDS)

test: check asan fuzz-smoke

FIRINGS ?= 10000000
soak: build
	COVENANT_SOAK_SECONDS=$(SECONDS) $(BUILD_DIR)/tests/test_runtime "[soak]"
	BUILD_DIR=$(BUILD_DIR) bench/soak_memory.sh $(FIRINGS)

bench: deps
	bench/bench.sh

golden-update: build
	tests/golden/run.sh --update --all $(COVENANT)
	$(COVENANT) doc --out docs/rules-core.md
	tests/golden/sync_examples_doc.sh

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(FUZZ_BUILD_DIR)
