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

.PHONY: deps deps-highs build demo test test-slurm test-browser screenshot fuzz referee torch-roundtrip zbv-crosscheck embed man bench bench-search bench-bounds bench-peers bench-runtime bench-slices bench-overlap bench-memory-actions bench-microbatch-lengths bench-links bench-pipelines bench-ilp bench-server bench-sweep openapi clean

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

# The tests run beside a throwaway PostgreSQL cluster (scripts/with-postgres: started on a free
# loopback port, its URL in PIPESCHED_TEST_POSTGRES_URL, stopped and removed after), with HiGHS
# installed (scripts/install-highs) so that its tests run rather than skip.
test: deps
	-@scripts/install-highs >/dev/null
	$(SWIFT) build --build-tests
	scripts/with-postgres $(SWIFT) test --skip-build

# A one-node Slurm cluster (Debian's slurmctld, slurmd and munge, started by scripts/slurm-test) runs
# a sweep as a 4-task job array writing into a throwaway PostgreSQL, then merges it from the store.
test-slurm: build
	scripts/with-postgres scripts/slurm-test

# Fuzz suite (docs/fuzz.md): PIPESCHED_FUZZ_COUNT seeded hostile inputs per reader (default 10000;
# `make test` runs 150 each), reporting the peak memory of the run.
FUZZ_COUNT ?= 10000
fuzz: deps
	@scripts/install-deps fuzz
	$(SWIFT) build --build-tests
	@PIPESCHED_FUZZ_COUNT=$(FUZZ_COUNT) /usr/bin/time -v $(SWIFT) test --skip-build --filter 'ReaderFuzzTests|HTTPFuzzTests' \
		> .build/fuzz.log 2>&1; status=$$?; \
		grep -E '✘|✔ Test|Test run|Maximum resident set size' .build/fuzz.log; exit $$status

# The property tests that exhaustive search referees (bounds, caps, auto's claims; docs/architecture.md)
# over REFEREE_SEEDS seeds each instead of make test's 8 to 40: 400 took 35 minutes on 2 cores (peak 1 GB).
# The suites are those whose file reads RefereeSeeds (each file is named after its suite).
REFEREE_SEEDS ?= 400
REFEREE_SUITES = $(shell grep -l 'RefereeSeeds\.first' Tests/PipeSchedTests/*.swift | sed 's|.*/||; s|\.swift$$||' | paste -sd'|' -)
referee: deps
	$(SWIFT) build --build-tests
	@PIPESCHED_REFEREE_SEEDS=$(REFEREE_SEEDS) $(SWIFT) test --skip-build --filter 'PipeSchedTests\.($(REFEREE_SUITES))/' \
		> .build/referee.log 2>&1; status=$$?; grep -E '✘|Test run' .build/referee.log; exit $$status

torch-roundtrip: build
	scripts/torch-roundtrip

# The `zbv-greedy` port against Zero Bubble's own zbv.py in CPython (ColossalAI's copy from PyPI):
# the same orders on 200 random V problems, or nothing from either.
zbv-crosscheck: build
	scripts/zbv-crosscheck

# The web page in headless Chromium (Debian's chromium and chromium-driver, selenium in a venv under
# the project cache): solves, a job, the timeline, a download; a screenshot in out/web-page.png.
test-browser: build
	scripts/browser-test

# Refreshes the screenshot in docs/.
screenshot: build
	PIPESCHED_SCREENSHOT=docs/web-page.png scripts/browser-test

bench: bench-search bench-bounds bench-slices

bench-search: deps
	$(SWIFT) build -c release --product pipesched-bench
	scripts/bench-section search-quality .build/release/pipesched-bench search-quality --auto-seconds 5
	scripts/bench-section search-v .build/release/pipesched-bench search-v --auto-seconds 3
	scripts/bench-section search-speed .build/release/pipesched-bench search-speed
	scripts/bench-section greedy-speed .build/release/pipesched-bench greedy-speed --zero-bubble-cpython scripts/zero-bubble-cpython

# Lower bounds: how many benchmark problems the reported bound proves optimal (about 2 minutes).
bench-bounds: deps
	$(SWIFT) build -c release --product pipesched-bench-ilp
	scripts/bench-section bounds .build/release/pipesched-bench-ilp bounds 2 30

# PipeSched's auto against PyTorch's built-in schedule classes (their own orders, re-timed and
# validated) and Zero Bubble's greedy schedulers, on profiled problems (installs torch like the round trip).
bench-peers: deps
	scripts/bench-section peers scripts/bench-peers 10

# The same schedules run in PyTorch's own pipeline runtime, each pass lasting its modeled time: the
# measured step beside the simulated makespan (installs torch like the round trip).
bench-runtime: deps
	scripts/bench-section runtime scripts/bench-runtime 5 10

bench-slices: build
	scripts/bench-section sequence-slices scripts/bench-slices

bench-overlap: build
	scripts/bench-section overlapped-passes scripts/bench-overlap

# Memory actions (issue 13): global recomputation against recomputation and offloading chosen per
# stage and microbatch, on three long-context models (about 3 min).
bench-memory-actions: build
	scripts/bench-section memory-actions scripts/bench-memory-actions

# Variable sequence lengths: the peers in data order against auto, which may reorder (about 1 minute).
bench-microbatch-lengths: build
	scripts/bench-section microbatch-lengths scripts/bench-microbatch-lengths

# Two nodes against one NVLink domain, with and without link contention (about 2 minutes).
bench-links: build
	scripts/bench-section links scripts/bench-links

bench-pipelines: build
	scripts/bench-section pipelines scripts/bench-pipelines

# Exact-search benchmarks (about 20 min on 2 cores): rewrites the ILP section of docs/benchmarks.md.
bench-ilp: deps
	-@scripts/install-highs
	$(SWIFT) build -c release --product pipesched-bench-ilp
	.build/release/pipesched-bench-ilp tables --update docs/benchmarks.md 60

# The man page docs/man/pipesched.1, from the commands' help (swift-argument-parser's generate-manual plugin).
man: deps
	$(SWIFT) package generate-manual --configuration debug
	mkdir -p docs/man
	cp .build/plugins/GenerateManual/outputs/pipesched/pipesched.1 docs/man/pipesched.1

# Regenerates the files the server embeds: docs/openapi.yaml, docs/schemas/, web/index.html, Models/*.json.
embed openapi:
	scripts/embed-resources

# Benchmarks (docs/benchmarks.md): release builds, loopback only.
bench-server: deps
	scripts/bench-server

bench-sweep: deps
	scripts/bench-sweep

clean:
	rm -rf .build $(OUT)
