# The two commands of the README:
#   make demo   install deps, build, start a local server, fit the bundled image with a live progress bar,
#               render the reconstruction and a 2x super-resolution, print the PSNR
#   make test   install deps, build, run the whole suite through CTest
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)

.PHONY: all deps configure build demo test bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > $(BUILD_DIR).configure.log 2>&1 \
	  || (cat $(BUILD_DIR).configure.log; exit 1)

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@BUILD_DIR=$(BUILD_DIR) bash scripts/demo.sh

test: build
	@SIREN_THREADS=$(JOBS) ctest --test-dir $(BUILD_DIR) --output-on-failure --timeout 900

bench: build
	@$(BUILD_DIR)/bench/siren-bench

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log demo-out
