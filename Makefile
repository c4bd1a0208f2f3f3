# PipeSched: `make demo` solves a bundled model, `make test` runs every test.
# Both install what is missing first (Debian packages via scripts/install-deps).

SWIFT ?= swift
BIN := .build/debug/pipesched
DEMO_MODEL ?= Models/gpt-8stage.json
DEMO_METHOD ?= auto
OUT := out

.PHONY: deps build demo test bench bench-search clean

deps:
	@scripts/install-deps

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

bench: bench-search

bench-search: deps
	$(SWIFT) build -c release --product pipesched-bench
	scripts/bench-section search-quality .build/release/pipesched-bench search-quality --auto-seconds 5
	scripts/bench-section search-speed .build/release/pipesched-bench search-speed

clean:
	rm -rf .build $(OUT)
