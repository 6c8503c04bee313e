# The two commands a newcomer needs:
#   make run    build runner and run the default suite (specs/10k-flat.hcl)
#   make test   install the test prerequisites and pass every test
SHELL := /bin/bash
GO ?= go
VENV ?= .venv
PYTHON := $(VENV)/bin/python
SPEC ?= specs/10k-flat.hcl
FUZZTIME ?= 60s

.PHONY: all build run test test-go venv chromium vet fmt-check fuzz bench noise drift clean driver-openusd-py \
	drivers driver-openusd-cpp driver-arrow-cpp cpp-prereqs

all: build

# The first build downloads the modules and compiles a few hundred
# packages (minutes on a small machine): it says so, and counts them.
build:
	@if [ ! -x bin/runner ]; then echo "building bin/runner: the first build downloads modules and compiles every package (a few minutes on 2 cores)"; fi
	@set -o pipefail; $(GO) build -v -buildvcs=auto -o bin/runner ./runner 2>&1 | \
	  awk '/^(go: |#|[^ ]+\.go:)/ {print; next} {n++; if (n % 25 == 0) printf "  compiled %d packages\n", n} END {if (n >= 25) printf "  compiled %d packages\n", n}' 

run: build
	./bin/runner apply $(SPEC)

# The Python venv holds the judges of our files: real OpenUSD (usd-core) and
# pyarrow. Rebuilt only when requirements change.
venv: $(VENV)/.stamp
$(VENV)/.stamp: requirements-test.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

# Headless Chromium, the judge of the HTML report (Debian's package).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

vet:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.venv/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

fmt-check: build
	./bin/runner fmt -check specs examples

test: venv chromium drivers vet fmt-check
	RUNNER_PYTHON=$(abspath $(PYTHON)) $(GO) test -count=1 -timeout 30m ./...
	RUNNER_PYTHON=$(abspath $(PYTHON)) $(GO) test -count=1 -timeout 30m -race -short ./...

# Long fuzzing, by hand: every fuzz target for FUZZTIME each.
# Minimising a new input is capped (-fuzzminimizetime), so a finding can
# not stall the run; each target's last progress line, with its exec
# count, is printed.
FUZZMIN ?= 2000x
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMIN) $$pkg > .fuzz.log 2>&1; \
	    status=$$?; grep -E '^fuzz: elapsed' .fuzz.log | tail -n 1; \
	    if [ $$status != 0 ]; then cat .fuzz.log; rm -f .fuzz.log; exit 1; fi; \
	  done; done; rm -f .fuzz.log

# Benchmarks whose figures the README quotes.
bench: venv
	RUNNER_PYTHON=$(abspath $(PYTHON)) $(GO) test -run '^$$' -bench . -benchmem ./...

# The noise experiment: the default suite with and without a CPU hog
# started halfway through, pinned, 100 runs a cell (about 4 minutes on 2
# cores); PASS when both runs reach the same verdicts (FAIL exits 1).
noise:
	scripts/noise-experiment.sh

# How much the machine's own costs (compute, a memory walk, page faults, a
# page-cache read) drift over two minutes, apart from runner: what the
# noise experiment's 15% can rest on (scripts/machine-drift.sh).
drift: build
	scripts/machine-drift.sh

# Drivers: reader programs outside Go (drivers/PROTOCOL.md). `make drivers`
# builds every one of them and does nothing when they are up to date; a new
# driver adds its target to DRIVERS.
DRIVERS := driver-openusd-py driver-openusd-cpp driver-arrow-cpp usd-parquet
drivers: $(DRIVERS)

# The Python driver runs on the project venv (usd-core and xxhash).
driver-openusd-py: venv

# OpenUSD's C++ libraries come from the pxr-* wheels on PyPI, in a venv of
# their own: usd-core (in .venv) ships a `pxr` package too, and installing
# both into one venv overwrites files.
PXR_VENV ?= .venv-pxr
CPP_DRIVER := drivers/openusd-cpp
PXR_REQUIREMENTS := drivers/requirements-pxr.txt
$(PXR_VENV)/.stamp: $(PXR_REQUIREMENTS)
	test -x $(PXR_VENV)/bin/python || python3 -m venv $(PXR_VENV)
	$(PXR_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(PXR_REQUIREMENTS)
	touch $@

# Debian's packages the C++ driver builds with: a compiler, CMake and
# xxhash.h (XXH64 for the digests).
cpp-prereqs:
	@missing=; \
	  command -v cmake >/dev/null || missing="$$missing cmake"; \
	  command -v g++ >/dev/null || missing="$$missing g++"; \
	  [ -f /usr/include/xxhash.h ] || missing="$$missing libxxhash-dev"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	    else echo "install Debian's$$missing (sudo apt-get install$$missing)"; exit 1; fi; fi

$(CPP_DRIVER)/build/CMakeCache.txt: $(PXR_VENV)/.stamp | cpp-prereqs
	cmake -S $(CPP_DRIVER) -B $(CPP_DRIVER)/build -DCMAKE_BUILD_TYPE=Release \
	  -DPXR_PYTHON=$(abspath $(PXR_VENV))/bin/python

driver-openusd-cpp: cpp-prereqs $(CPP_DRIVER)/build/CMakeCache.txt
	cmake --build $(CPP_DRIVER)/build --parallel

# Arrow C++ (the reference reader of Parquet) comes from the pyarrow wheel
# in the project venv: headers from pyarrow.get_include(), libarrow and
# libparquet from pyarrow.get_library_dirs().
ARROW_DRIVER := drivers/arrow-cpp
$(ARROW_DRIVER)/build/CMakeCache.txt: $(VENV)/.stamp | cpp-prereqs
	cmake -S $(ARROW_DRIVER) -B $(ARROW_DRIVER)/build -DCMAKE_BUILD_TYPE=Release \
	  -DARROW_PYTHON=$(abspath $(PYTHON))

driver-arrow-cpp: cpp-prereqs $(ARROW_DRIVER)/build/CMakeCache.txt
	cmake --build $(ARROW_DRIVER)/build --parallel

clean:
	rm -rf bin .runner results

# usd-parquet: the OpenUSD file-format plugin for our Parquet layout
# (drivers/usd-parquet), built against OpenUSD's C++ libraries from the
# pxr-*-dev wheels and Arrow C++ from pyarrow, installed in their own venv
# (usd-core in .venv would overwrite the pxr package). Produces
# drivers/usd-parquet/build/plugin (for PXR_PLUGINPATH_NAME) and
# drivers/usd-parquet/build/sdfdump.
USD_PARQUET_DIR := drivers/usd-parquet
USD_PARQUET_PYTHON := $(PXR_VENV)/bin/python
USD_PARQUET_BUILD := $(USD_PARQUET_DIR)/build

.PHONY: usd-parquet usd-parquet-clean

usd-parquet: $(PXR_VENV)/.stamp | cpp-prereqs
	@site=$$($(USD_PARQUET_PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') && \
	inc=$$($(USD_PARQUET_PYTHON) -c 'import pyarrow; print(pyarrow.get_include())') && \
	lib=$$($(USD_PARQUET_PYTHON) -c 'import pyarrow; print(pyarrow.get_library_dirs()[0])') && \
	set -x && cmake -S $(USD_PARQUET_DIR) -B $(USD_PARQUET_BUILD) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_PREFIX_PATH="$$site" -DUSD_PARQUET_PYTHON=$(abspath $(USD_PARQUET_PYTHON)) \
	  -DUSD_PARQUET_ARROW_INCLUDE_DIR="$$inc" -DUSD_PARQUET_ARROW_LIB_DIR="$$lib" >/dev/null
	cmake --build $(USD_PARQUET_BUILD) -j 2

usd-parquet-clean:
	rm -rf $(USD_PARQUET_BUILD)

