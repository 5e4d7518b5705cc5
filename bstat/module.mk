# bstat build fragment: owned by the bstat module (objects, libraries, tests).
# bstat links the statistics library from stats/module.mk and GSL.

# One folder per stage, as golang.org/x/perf splits its packages: format
# (reading), proc (filters, projections), tab (tables), render (outputs),
# cli (flags, the command), util (arena, buffers, maps), html (-format html
# and -history pages; it calls the gate, so it links with the command).
BSTAT_O        := $(BUILD)/bstat.o
BSTAT_UTIL     := $(BSTAT_O)/util/util.o
BSTAT_FORMAT   := $(BSTAT_O)/format/input.o $(BSTAT_O)/format/benchfmt.o \
                  $(BSTAT_O)/format/benchunit.o
BSTAT_PROC     := $(BSTAT_O)/proc/query.o $(BSTAT_O)/proc/projection.o \
                  $(BSTAT_O)/proc/extract.o $(BSTAT_O)/proc/filter.o
BSTAT_TAB      := $(BSTAT_O)/tab/benchtab.o $(BSTAT_O)/tab/texttab.o
BSTAT_RENDER   := $(BSTAT_O)/render/cells.o $(BSTAT_O)/render/notes.o $(BSTAT_O)/render/text.o \
                  $(BSTAT_O)/render/csv.o $(BSTAT_O)/render/json.o \
                  $(BSTAT_O)/render/markdown.o
BSTAT_HTML     := $(BSTAT_O)/html/page.o $(BSTAT_O)/html/svg.o $(BSTAT_O)/html/report.o \
                  $(BSTAT_O)/html/histfmt.o \
                  $(BSTAT_O)/html/history.o
BSTAT_CLI      := $(BUILD)/harness/goflag.o $(BSTAT_O)/cli/flags.o $(BSTAT_O)/cli/cli.o $(BSTAT_O)/cli/html_main.o $(BSTAT_HTML)
# libbstat.a: the stages; the gate (gate/module.mk) builds on them, and the
# command (libbstatcli.a) on both.
BSTAT_LIB_OBJS := $(BSTAT_UTIL) $(BSTAT_FORMAT) $(BSTAT_PROC) $(BSTAT_TAB) \
                  $(BSTAT_RENDER)
BSTAT_OBJS     := $(BSTAT_LIB_OBJS) $(BSTAT_CLI) $(BSTAT_O)/cli/main.o
BSTAT_LIBS     := $(BUILD)/libbstatcli.a $(BUILD)/libcbgate.a $(BUILD)/libbstat.a $(BUILD)/libcbstats.a
BSTAT_LINK     := $(BSTAT_LIBS) $(GSL_LIBS) -lm

# Objects go under bstat.o/ because $(BUILD)/bstat is the program itself.
$(BUILD)/bstat.o/%.o: bstat/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

BSTAT_TESTS := $(BUILD)/tests/test_bstat_benchfmt $(BUILD)/tests/test_bstat_benchunit \
               $(BUILD)/tests/test_bstat_benchproc $(BUILD)/tests/test_bstat_render \
               $(BUILD)/tests/test_bstat_cli $(BUILD)/tests/test_bstat_table \
               $(BUILD)/tests/test_bstat_gate $(BUILD)/tests/test_gate_failopen \
               $(BUILD)/tests/test_bstat_html

# Fault injection: the failing allocator wraps malloc & co. at link time,
# so the test also runs under ASan (make asan).
BSTAT_FAULT_TEST := $(BUILD)/tests/test_bstat_faults
FAULT_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free

OBJS += $(BSTAT_OBJS) $(patsubst $(BUILD)/tests/%,$(BUILD)/tests/%.o,$(BSTAT_TESTS) $(BSTAT_FAULT_TEST)) \
        $(BUILD)/tests/fault/fault_malloc.o
UNIT_TESTS += $(BSTAT_TESTS) $(BSTAT_FAULT_TEST)
SAN_TESTS  += $(BSTAT_TESTS) $(BSTAT_FAULT_TEST)

$(BSTAT_FAULT_TEST): $(BSTAT_FAULT_TEST).o $(BUILD)/tests/fault/fault_malloc.o $(BSTAT_LIBS)
	$(CC) $(CFLAGS) $(FAULT_WRAP) -o $@ $< $(BUILD)/tests/fault/fault_malloc.o $(BSTAT_LINK) -lcmocka
E2E_TESTS  += tests/e2e/bstat_conformance.sh tests/e2e/bstat_cli.sh tests/e2e/bstat_fuzz.sh \
              tests/e2e/bstat_html.sh tests/e2e/bstat_html_browser.sh tests/e2e/bstat_diff.sh
LINT_FILES += tests/e2e/bstat_conformance.sh tests/e2e/bstat_cli.sh tests/e2e/bstat_fuzz.sh tests/e2e/fuzz_run.sh \
              tests/data/bstat/gen_large.sh tests/e2e/bstat_html.sh tests/e2e/bstat_html_browser.sh \
              tests/data/html/gen.sh tests/e2e/bstat_diff.sh tests/data/bstat/gen_diff.sh \
              tests/data/bstat/bench_bstat.sh

$(BUILD)/libbstat.a: $(BSTAT_LIB_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libbstatcli.a: $(BSTAT_CLI)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^

# The command is a static program when the C library's and GSL's archives
# are there (libc6-dev and libgsl-dev ship them): loading and relocating
# the shared libgsl, libgslcblas, libcjson and libm was 0.5 ms of a run
# that takes 3 ms on 1k lines (README, "bstat's speed"). Otherwise, and
# for the tests, the shared libraries.
BSTAT_STATIC   := $(and $(filter /%,$(shell $(CC) -print-file-name=libc.a)),$(wildcard $(shell pkg-config --variable=libdir gsl 2>/dev/null)/libgsl.a))
BSTAT_EXE_LINK := $(if $(BSTAT_STATIC),-static) $(BSTAT_LIBS) $(GSL_LIBS) -lm

$(BUILD)/bstat: $(BSTAT_O)/cli/main.o $(BSTAT_LIBS)
	$(CC) $(CFLAGS) -o $@ $(BSTAT_O)/cli/main.o $(BSTAT_EXE_LINK)

# The tests read bstat's JSON back with cJSON, an independent parser.
$(BSTAT_TESTS): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(BSTAT_LIBS)
	$(CC) $(CFLAGS) -o $@ $< $(BSTAT_LINK) -lcjson -lcmocka

# libFuzzer target over the input parser and the whole table pipeline.
# Needs clang; `make fuzz-bstat` builds it, tests/e2e/bstat_fuzz.sh runs it
# briefly over the seed corpus.
BSTAT_FUZZ := $(BUILD)/fuzz/fuzz_bstat_parse
BSTAT_SRCS := $(patsubst $(BUILD)/bstat.o/%.o,bstat/%.c,$(BSTAT_LIB_OBJS) $(BSTAT_CLI))
.PHONY: fuzz-bstat bench-bstat
fuzz-bstat: $(BSTAT_FUZZ)
$(BSTAT_FUZZ): tests/fuzz/fuzz_bstat_parse.c $(BSTAT_SRCS) $(wildcard stats/*.c) $(wildcard gate/*.c) $(wildcard bstat/*/*.h)
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -Iharness -Istats -Ibstat -Igate -o $@ \
	  tests/fuzz/fuzz_bstat_parse.c $(BSTAT_SRCS) $(wildcard stats/*.c) $(wildcard gate/*.c) $(GSL_LIBS) -lm

# bstat's CPU time and peak memory on 1k, 10k, 100k and 1M result lines per
# input (tests/data/bstat/bench_bstat.sh); with BENCHSTAT=path, upstream's
# beside it, interleaved, with the ratios and an output comparison.
BENCHSTAT ?=
bench-bstat: $(BUILD)/bstat
	@tests/data/bstat/bench_bstat.sh $(BUILD)/bstat $(BENCHSTAT)
