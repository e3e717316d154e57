# The two commands of the README:
#   make demo   install deps, build, start a local server, fit the bundled image with a live progress bar,
#               render the reconstruction and a 2x super-resolution, print the PSNR
#   make test   install deps, build, run the whole suite through CTest
BUILD_DIR ?= build
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 30
SANITIZE_BUILD_DIR ?= build-asan
# What `make sanitize` leaves out besides the long convergence runs (SIREN_SANITIZE_SKIPPED_TESTS in
# tests/CMakeLists.txt): the load test and the Prometheus integration test, whose figures mean nothing
# under the sanitizers' slow-down.
SANITIZE_EXCLUDE ?= siren_load|siren_prometheus
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)

.PHONY: all deps configure build build-demo demo test test-python gpu-build fuzz sanitize bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSIREN_BUILD_TESTS=ON -DSIREN_BUILD_BENCH=ON > $(BUILD_DIR).configure.log 2>&1 \
	  || (cat $(BUILD_DIR).configure.log; exit 1)

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The demo needs the server and the CLI only: a newcomer's first result does not wait for the test suite
# (nor for its tools: `install-deps.sh --demo`; `make test` configures the tests back in and installs the rest).
# A build directory made for it precompiles LibTorch's headers, which halves a build from scratch (no
# compiler cache to help on a fresh machine); CI's builds leave them off, so that ccache hits across clones.
build-demo:
	@bash scripts/install-deps.sh --demo
	@if [ -f $(BUILD_DIR)/CMakeCache.txt ]; then headers=; else headers=-DSIREN_PRECOMPILED_HEADERS=ON; fi; \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $$headers \
	  -DSIREN_BUILD_TESTS=OFF -DSIREN_BUILD_BENCH=OFF > $(BUILD_DIR).configure.log 2>&1 \
	  || (cat $(BUILD_DIR).configure.log; exit 1)
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target siren-server siren

demo: build-demo
	@BUILD_DIR=$(BUILD_DIR) bash scripts/demo.sh

test: build
	@SIREN_THREADS=$(JOBS) ctest --test-dir $(BUILD_DIR) --output-on-failure --timeout 900

# The Python client's suite alone (client/python/tests against a real server; docs/python.md).
test-python: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L python

# The LibTorch-only build that scripts/gpu-check.sh makes on a GPU machine (core, bench, GPU tests), built here
# without running anything, so that it keeps compiling.
gpu-build: deps
	@bash scripts/gpu-check.sh --build-only

# libFuzzer + ASan/UBSan over the decoders and SubmitFit's request parsing (tests/fuzz), FUZZ_SECONDS each.
fuzz: deps
	@cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DSIREN_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
	  -DSIREN_FUZZ_SECONDS=$(FUZZ_SECONDS) > $(FUZZ_BUILD_DIR).configure.log 2>&1 \
	  || (cat $(FUZZ_BUILD_DIR).configure.log; exit 1)
	@cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)
	@ctest --test-dir $(FUZZ_BUILD_DIR) --output-on-failure

# The suite under AddressSanitizer + UndefinedBehaviorSanitizer (our code instrumented, LibTorch not).
sanitize: deps
	@cmake -S . -B $(SANITIZE_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIREN_SANITIZE=ON \
	  -DSIREN_BUILD_BENCH=OFF > $(SANITIZE_BUILD_DIR).configure.log 2>&1 \
	  || (cat $(SANITIZE_BUILD_DIR).configure.log; exit 1)
	@cmake --build $(SANITIZE_BUILD_DIR) -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 SIREN_THREADS=$(JOBS) \
	  ctest --test-dir $(SANITIZE_BUILD_DIR) --output-on-failure --timeout 900 -E '$(SANITIZE_EXCLUDE)'

bench: build
	@$(BUILD_DIR)/bench/siren-bench

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log $(FUZZ_BUILD_DIR) $(FUZZ_BUILD_DIR).configure.log \
	  $(SANITIZE_BUILD_DIR) $(SANITIZE_BUILD_DIR).configure.log demo-out
