# segflow build, test and run targets.
#
#   make test                      install system deps, build, run all tests
#   make demo CUSTOMERS=10000      run the demo against a throwaway PostgreSQL
#   make test SCRATCH=.build-me    use another build folder (parallel checkouts)
#   make lint-deploy               Kubernetes, Dockerfile, Compose, scripts, Airflow DAG checked by real tools
#   make airflow-check             (optional, slow) the DAG imported and run by Apache Airflow 3

SWIFT ?= swift
CUSTOMERS ?= 50000
# SwiftPM's build folder; the release binary is $(SCRATCH)/release/segflow.
SCRATCH ?= .build
# Extra flags for every swift build/test, e.g. SWIFT_FLAGS="-j 1".
SWIFT_FLAGS ?=

SWIFTPM_FLAGS = --scratch-path $(SCRATCH) $(SWIFT_FLAGS)

# deps must finish before anything is compiled (CLibPQ needs libpq-dev), even under make -j.
.NOTPARALLEL:

.PHONY: build deps test demo bench leakcheck lint-deploy airflow-check superset-bundle bi-check clean

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
# Installs its own tools (Debian and PyPI, scripts/install-deploy-tools.sh); no Swift build.
lint-deploy:
	bash scripts/lint-deploy.sh

# Not in CI: installs Apache Airflow 3 into a venv (a few minutes the first time).
airflow-check:
	bash scripts/airflow-check.sh

clean:
	rm -rf $(SCRATCH)
