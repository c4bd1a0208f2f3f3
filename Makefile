# PipeSched: `make demo` solves a bundled model, `make test` runs every test.
# Both install what is missing first (Debian packages via scripts/install-deps).

SWIFT ?= swift
BIN := .build/debug/pipesched
DEMO_MODEL ?= Models/gpt-8stage.json
DEMO_METHOD ?= auto
OUT := out

.PHONY: deps deps-highs build demo test bench-ilp clean

deps:
	@scripts/install-deps

# Optional: HiGHS for `--solver highs` (PyPI wheel in ~/.cache/pipesched; loaded at run time).
deps-highs:
	@scripts/install-highs

build: deps
	$(SWIFT) build

demo: build
	@mkdir -p $(OUT)
	$(BIN) solve $(DEMO_MODEL) --method $(DEMO_METHOD) $(if $(filter auto,$(DEMO_METHOD)),--all) --output $(OUT)/demo.schedule.json
	$(BIN) evaluate $(DEMO_MODEL) $(OUT)/demo.schedule.json
	@echo "schedule written to $(OUT)/demo.schedule.json"

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Exact-search benchmarks (about 30-60 min on 2 cores): rewrites the ILP section of docs/benchmarks.md.
bench-ilp: deps
	-@scripts/install-highs
	$(SWIFT) build -c release --product pipesched-bench
	.build/release/pipesched-bench tables --update docs/benchmarks.md 60

clean:
	rm -rf .build $(OUT)
