# PipeSched: `make demo` profiles and solves a bundled model, `make test` runs every test,
# `make torch-roundtrip` trains with PipeSched's PyTorch CSVs on the real PyTorch runtime (4 gloo
# processes, CPU). They install what is missing first (Debian packages via scripts/install-deps;
# torch in a venv under ${PIPESCHED_CACHE:-~/.cache/pipesched}).

SWIFT ?= swift
BIN := .build/debug/pipesched
DEMO_CONFIG ?= Models/models/zb-gpt-6.2b.json
DEMO_HARDWARE ?= Models/hardware/a100-80gb.json
DEMO_METHOD ?= auto
OUT := out

.PHONY: deps deps-highs build demo test fuzz torch-roundtrip bench bench-search bench-slices bench-ilp bench-server bench-sweep openapi clean

deps:
	@scripts/install-deps

# Optional: HiGHS for `--solver highs` (PyPI wheel in ~/.cache/pipesched; loaded at run time).
deps-highs:
	@scripts/install-highs

build: deps
	$(SWIFT) build

demo: build
	@mkdir -p $(OUT)
	$(BIN) profile --model $(DEMO_CONFIG) --hardware $(DEMO_HARDWARE) --microbatches 24 --output $(OUT)/demo.problem.json
	$(BIN) solve $(OUT)/demo.problem.json --method $(DEMO_METHOD) $(if $(filter auto,$(DEMO_METHOD)),--all) --output $(OUT)/demo.schedule.json
	$(BIN) evaluate $(OUT)/demo.problem.json $(OUT)/demo.schedule.json
	@echo "schedule written to $(OUT)/demo.schedule.json"

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Fuzz suite (docs/fuzz.md): PIPESCHED_FUZZ_COUNT seeded hostile inputs per reader (default 10000;
# `make test` runs 150 each), reporting the peak memory of the run.
FUZZ_COUNT ?= 10000
fuzz: deps
	@scripts/install-deps fuzz
	$(SWIFT) build --build-tests
	@PIPESCHED_FUZZ_COUNT=$(FUZZ_COUNT) /usr/bin/time -v $(SWIFT) test --skip-build --filter 'ReaderFuzzTests|HTTPFuzzTests' \
		> .build/fuzz.log 2>&1; status=$$?; \
		grep -E '✘|✔ Test|Test run|Maximum resident set size' .build/fuzz.log; exit $$status

torch-roundtrip: build
	scripts/torch-roundtrip

bench: bench-search bench-slices

bench-search: deps
	$(SWIFT) build -c release --product pipesched-bench
	scripts/bench-section search-quality .build/release/pipesched-bench search-quality --auto-seconds 5
	scripts/bench-section search-speed .build/release/pipesched-bench search-speed

bench-slices: build
	scripts/bench-section sequence-slices scripts/bench-slices

# Exact-search benchmarks (about 30-60 min on 2 cores): rewrites the ILP section of docs/benchmarks.md.
bench-ilp: deps
	-@scripts/install-highs
	$(SWIFT) build -c release --product pipesched-bench-ilp
	.build/release/pipesched-bench-ilp tables --update docs/benchmarks.md 60

# Regenerates the OpenAPI document the server embeds from docs/openapi.yaml.
openapi:
	scripts/embed-openapi

# Benchmarks (docs/benchmarks.md): release builds, loopback only.
bench-server: deps
	scripts/bench-server

bench-sweep: deps
	scripts/bench-sweep

clean:
	rm -rf .build $(OUT)
