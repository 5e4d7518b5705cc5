# prof build fragment: libcbprof.a (reading and diffing cbench's memory
# profiles) and the cbprof program, which bench-compare.sh runs when the gate
# fails on memory; its tests.

PROF_OBJS := $(BUILD)/prof/read.o $(BUILD)/prof/resolve.o $(BUILD)/prof/diff.o \
             $(BUILD)/prof/render.o $(BUILD)/prof/main.o
OBJS += $(PROF_OBJS) $(BUILD)/prof/cbprof.o $(BUILD)/tests/test_prof.o

$(BUILD)/libcbprof.a: $(PROF_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/cbprof: $(BUILD)/prof/cbprof.o $(BUILD)/libcbprof.a
	$(CC) $(CFLAGS) -o $@ $^ -lz -lm

all: $(BUILD)/cbprof

# The reader is checked against profiles the harness writes in-process, so
# the test links libcbench (its malloc replaces libc's) as well.
$(BUILD)/tests/test_prof: $(BUILD)/tests/test_prof.o $(BUILD)/libcbprof.a $(BUILD)/libcbench.a
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka $(CBENCH_LIBS)

UNIT_TESTS += $(BUILD)/tests/test_prof

# The harness's memory figures, read back with this module's reader.
OBJS += $(BUILD)/tests/test_harness_memory.o
$(BUILD)/tests/test_harness_memory: $(BUILD)/tests/test_harness_memory.o $(BUILD)/libcbprof.a \
  $(BUILD)/libcbench.a
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka $(CBENCH_LIBS)
UNIT_TESTS += $(BUILD)/tests/test_harness_memory

E2E_TESTS += tests/e2e/memory.sh
LINT_FILES += tests/e2e/memory.sh

# libFuzzer target over the profile reader (clang); tests/e2e/prof_fuzz.sh
# runs it briefly over the seed corpus tests/fuzz/corpus/prof.
PROF_FUZZ := $(BUILD)/fuzz/fuzz_prof_read
PROF_SRCS := $(PROF_OBJS:$(BUILD)/%.o=%.c)
.PHONY: fuzz-prof
fuzz-prof: $(PROF_FUZZ)
$(PROF_FUZZ): tests/fuzz/fuzz_prof_read.c $(PROF_SRCS) prof/prof.h prof/prof_internal.h
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -Iprof -o $@ tests/fuzz/fuzz_prof_read.c $(PROF_SRCS) -lz -lm
E2E_TESTS += tests/e2e/prof_fuzz.sh
LINT_FILES += tests/e2e/prof_fuzz.sh
