# segflow build, test and run targets.
#
#   make test                      install system deps, build, run all tests
#   make demo CUSTOMERS=10000      run the demo against a throwaway PostgreSQL
#   make test SCRATCH=.build-me    use another build folder (parallel checkouts)
#   make lint-deploy               Kubernetes, Dockerfile, Compose, scripts, Airflow DAG checked by real tools
#   make airflow-check             (optional, slow) the DAG imported and run by Apache Airflow 3
#   make fuzz FUZZ_SECONDS=60      libFuzzer on the COPY decoder, rules and pipeline files
#   make compare-output BASE=<rev> same published output at <rev> and HEAD (or HEAD=<rev>)?
#   make bench-compare BASE=<rev>  segflow run of <rev> and HEAD side by side (1M customers)

SWIFT ?= swift
CUSTOMERS ?= 50000
# SwiftPM's build folder; the release binary is $(SCRATCH)/release/segflow.
SCRATCH ?= .build
# Extra flags for every swift build/test, e.g. SWIFT_FLAGS="-j 1".
SWIFT_FLAGS ?=

SWIFTPM_FLAGS = --scratch-path $(SCRATCH) $(SWIFT_FLAGS)

# deps must finish before anything is compiled (CLibPQ needs libpq-dev), even under make -j.
.NOTPARALLEL:

.PHONY: build deps test demo bench leakcheck lint-deploy airflow-check superset-bundle bi-check fuzz compare-output bench-compare clean

build:
	$(SWIFT) build -c release $(SWIFTPM_FLAGS)

deps:
	bash scripts/install-deps.sh

# Build first, then run without rebuilding, so a compile error and a test
# failure are told apart. Swift Testing runs tests in parallel in-process.
test: deps
	$(SWIFT) build --build-tests $(SWIFTPM_FLAGS)
	$(SWIFT) test --skip-build $(SWIFTPM_FLAGS)

demo: deps build
	$(SCRATCH)/release/segflow demo --customers $(CUSTOMERS)

bench: deps build
	SWIFT="$(SWIFT)" SCRATCH="$(SCRATCH)" CUSTOMERS="$(CUSTOMERS)" bash scripts/bench.sh

leakcheck: deps
	@if [ -f scripts/leakcheck.sh ]; then \
		SWIFT="$(SWIFT)" SCRATCH="$(SCRATCH)" bash scripts/leakcheck.sh; \
	else \
		echo "leakcheck: scripts/leakcheck.sh does not exist yet" >&2; exit 1; \
	fi

# The Superset dataset bundle of the BI layer, ready for Datasets -> Import.
superset-bundle:
	cd deploy/superset && rm -f segflow_bi.zip && python3 -m zipfile -c segflow_bi.zip segflow_bi/

# Optional, not in CI (installs Superset 6.1 from PyPI): imports the bundle into a real Superset.
bi-check:
	bash scripts/bi-check.sh

# Builds both revisions (release, cached in .build-compare/), runs them on the same generated
# stores and compares every output table; exit 0 only when identical.
compare-output: deps
	@test -n "$(BASE)" || { echo "usage: make compare-output BASE=<rev> [HEAD=<rev>]" >&2; exit 2; }
	SWIFT="$(SWIFT)" bash scripts/compare-output.sh $(BASE) $(HEAD)

# Same release builds; `segflow run` of both, alternating rounds, wall time and peak RSS
# (SPEED_CUSTOMERS, SPEED_ROUNDS); exit 0 when HEAD is within 5% of BASE.
bench-compare: deps
	@test -n "$(BASE)" || { echo "usage: make bench-compare BASE=<rev> [HEAD=<rev>]" >&2; exit 2; }
	SWIFT="$(SWIFT)" bash scripts/compare-speed.sh $(BASE) $(HEAD)

# Installs its own tools (Debian and PyPI, scripts/install-deploy-tools.sh); no Swift build.
lint-deploy:
	bash scripts/lint-deploy.sh

# Not in CI: installs Apache Airflow 3 into a venv (a few minutes the first time).
airflow-check:
	bash scripts/airflow-check.sh

clean:
	rm -rf $(SCRATCH)

# Coverage-guided fuzzing (libFuzzer) of the binary COPY decoder, the rule language and the
# pipeline-file reader, FUZZ_SECONDS each; not part of `make test`. Inputs that crash land
# in $(FUZZ_SCRATCH)/crashes/ and become regression tests (Tests/SegflowTests/Robustness/
# FuzzFindingsTests.swift) and seeds (Fuzz/Corpus/). -timeout=30: the machine may be shared.
FUZZ_SECONDS ?= 60
FUZZ_SCRATCH ?= $(CURDIR)/.build-fuzz
FUZZ_TARGETS = fuzz-copy-decoder fuzz-expression fuzz-pipeline-file

fuzz: deps
	$(SWIFT) build --package-path Fuzz --scratch-path $(FUZZ_SCRATCH) $(SWIFT_FLAGS) \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
	mkdir -p $(FUZZ_SCRATCH)/crashes
	for target in $(FUZZ_TARGETS); do \
		corpus=$${target#fuzz-}; \
		mkdir -p $(FUZZ_SCRATCH)/corpus/$$corpus; \
		$(FUZZ_SCRATCH)/debug/$$target -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=30 \
			-artifact_prefix=$(FUZZ_SCRATCH)/crashes/$$corpus- \
			$(FUZZ_SCRATCH)/corpus/$$corpus Fuzz/Corpus/$$corpus || exit 1; \
	done
