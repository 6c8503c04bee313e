# The two commands a newcomer needs:
#   make run    build runner and run the default suite (specs/10k-flat.hcl)
#   make test   install the test prerequisites and pass every test
SHELL := /bin/bash
GO ?= go
VENV ?= .venv
PYTHON := $(VENV)/bin/python
SPEC ?= specs/10k-flat.hcl
FUZZTIME ?= 60s

.PHONY: all build run test test-go venv chromium vet fmt-check fuzz bench noise clean driver-openusd-py \
	drivers driver-openusd-cpp cpp-prereqs

all: build

build:
	$(GO) build -buildvcs=auto -o bin/runner ./runner

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
	RUNNER_PYTHON=$(abspath $(PYTHON)) $(GO) test -count=1 ./...
	RUNNER_PYTHON=$(abspath $(PYTHON)) $(GO) test -count=1 -race -short ./...

# Long fuzzing, by hand: every fuzz target for FUZZTIME each.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; done

# Benchmarks whose figures the README quotes.
bench: venv
	RUNNER_PYTHON=$(abspath $(PYTHON)) $(GO) test -run '^$$' -bench . -benchmem ./...

# The noise experiment: the default suite with and without a CPU hog
# started halfway through; PASS when both runs reach the same verdicts.
noise:
	scripts/noise-experiment.sh

# Drivers: reader programs outside Go (drivers/PROTOCOL.md). `make drivers`
# builds every one of them and does nothing when they are up to date; a new
# driver adds its target to DRIVERS.
DRIVERS := driver-openusd-py driver-openusd-cpp
drivers: $(DRIVERS)

# The Python driver runs on the project venv (usd-core and xxhash).
driver-openusd-py: venv

# OpenUSD's C++ libraries come from the pxr-* wheels on PyPI, in a venv of
# their own: usd-core (in .venv) ships a `pxr` package too, and installing
# both into one venv overwrites files.
PXR_VENV ?= .venv-pxr
CPP_DRIVER := drivers/openusd-cpp
$(PXR_VENV)/.stamp: $(CPP_DRIVER)/requirements.txt
	python3 -m venv $(PXR_VENV)
	echo '*' > $(PXR_VENV)/.gitignore
	$(PXR_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(CPP_DRIVER)/requirements.txt
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

clean:
	rm -rf bin .runner results
