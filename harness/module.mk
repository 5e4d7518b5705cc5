# harness build fragment: libcbench.a (the benchmark harness), its tests.

HARNESS_OBJS := $(BUILD)/harness/cb_hooks.o $(BUILD)/harness/cb_registry.o \
                $(BUILD)/harness/cb_strbuf.o $(BUILD)/harness/cb_match.o \
                $(BUILD)/harness/cb_flags.o $(BUILD)/harness/goflag.o $(BUILD)/harness/cb_format.o \
                $(BUILD)/harness/cb_sysinfo.o $(BUILD)/harness/cb_json.o \
                $(BUILD)/harness/cb_calibrate.o $(BUILD)/harness/cb_runner.o \
                $(BUILD)/harness/cb_timer.o $(BUILD)/harness/cb_log.o \
                $(BUILD)/harness/cb_report.o $(BUILD)/harness/cb_isolate.o \
                $(BUILD)/harness/cb_wire.o \
                $(BUILD)/harness/cb_counters.o $(BUILD)/harness/cb_callgrind.o \
                $(BUILD)/harness/cb_parallel.o $(BUILD)/harness/cb_main.o \
                $(BUILD)/harness/cb_defmain.o \
                $(BUILD)/harness/cb_retained.o $(BUILD)/harness/cb_ptrmap.o $(BUILD)/harness/cb_shadow.o \
                $(BUILD)/harness/cb_profile.o $(BUILD)/harness/cb_stack.o \
                $(BUILD)/harness/cb_symbol.o $(BUILD)/harness/cb_pprof.o \
                $(BUILD)/harness/cb_profwin.o $(BUILD)/harness/cb_firstalloc.o \
                $(BUILD)/stats/gofloat.o
OBJS += $(HARNESS_OBJS)
# stats/gofloat.o: the shortest round-trip digits of a double, shared with
# bstat; it needs only libc (no GSL), so the harness links it too.

# The hooks call glibc through its GOT directly instead of a PLT stub: one
# jump less per malloc and free (about 0.2 ns per pair in hook_overhead).
$(BUILD)/harness/cb_hooks.o: CFLAGS += -fno-plt

# What a program linking libcbench.a needs besides it (also in cbench.pc).
# -memprofile: libdw (elfutils) names addresses, zlib compresses, libm draws
# the sampling intervals.
CBENCH_LIBS := -lcjson -lpthread -ldw -lelf -lz -lm

$(BUILD)/libcbench.a: $(HARNESS_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# Unit tests. The hook tests link the whole library (its malloc replaces
# libc's); format and flags link only the objects they test, so that they
# also run under ASan, which brings its own malloc.
HARNESS_TEST_NAMES := test_harness_hooks test_harness_runner test_harness_format \
                      test_harness_flags test_harness_dce test_harness_profile
OBJS += $(HARNESS_TEST_NAMES:%=$(BUILD)/tests/%.o)

$(BUILD)/tests/test_harness_hooks $(BUILD)/tests/test_harness_runner $(BUILD)/tests/test_harness_profile \
  $(BUILD)/tests/test_harness_instructions_perf: \
  $(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libcbench.a
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libcbench.a -lcmocka $(CBENCH_LIBS)

# The dead-code trap only exists with optimization: always -O2 here.
$(BUILD)/tests/test_harness_dce.o: tests/test_harness_dce.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O2 -c $< -o $@

$(BUILD)/tests/test_harness_dce: $(BUILD)/tests/test_harness_dce.o $(BUILD)/libcbench.a
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libcbench.a -lcmocka $(CBENCH_LIBS)

$(BUILD)/tests/test_harness_format: $(BUILD)/tests/test_harness_format.o \
  $(BUILD)/harness/cb_format.o $(BUILD)/harness/cb_strbuf.o $(BUILD)/stats/gofloat.o
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka -lm

$(BUILD)/tests/test_harness_flags: $(BUILD)/tests/test_harness_flags.o \
  $(BUILD)/harness/cb_flags.o $(BUILD)/harness/goflag.o $(BUILD)/harness/cb_match.o $(BUILD)/harness/cb_strbuf.o
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka

# -instructions: flag values and callgrind's dumps (the counting itself is
# end to end, tests/e2e/harness_instructions.sh).
$(BUILD)/tests/test_harness_instructions: $(BUILD)/tests/test_harness_instructions.o \
  $(BUILD)/harness/cb_flags.o $(BUILD)/harness/goflag.o $(BUILD)/harness/cb_match.o $(BUILD)/harness/cb_strbuf.o \
  $(BUILD)/harness/cb_callgrind.o
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka
OBJS += $(BUILD)/tests/test_harness_instructions.o $(BUILD)/tests/test_harness_instructions_perf.o
UNIT_TESTS += $(BUILD)/tests/test_harness_instructions $(BUILD)/tests/test_harness_instructions_perf
SAN_TESTS += $(BUILD)/tests/test_harness_instructions
E2E_TESTS += tests/e2e/harness_instructions.sh
LINT_FILES += tests/e2e/harness_instructions.sh

UNIT_TESTS += $(HARNESS_TEST_NAMES:%=$(BUILD)/tests/%)
SAN_TESTS += $(BUILD)/tests/test_harness_format $(BUILD)/tests/test_harness_flags
E2E_TESTS += tests/e2e/harness_install.sh tests/e2e/harness_cli.sh tests/e2e/harness_pprof.sh \
             tests/e2e/harness_isolate.sh
LINT_FILES += tests/e2e/harness_install.sh tests/e2e/harness_cli.sh tests/e2e/harness_pprof.sh \
              tests/e2e/harness_isolate.sh

# Foreign allocators (ASan, jemalloc, tcmalloc) end to end.
E2E_TESTS += tests/e2e/harness_allocators.sh
LINT_FILES += tests/e2e/harness_allocators.sh

# Allocation failure walked over the whole harness (the hooks' fault switch).
E2E_TESTS += tests/e2e/harness_faults.sh
LINT_FILES += tests/e2e/harness_faults.sh

# The shared Go flag syntax (goflag.c), alone, so it runs under ASan too.
$(BUILD)/tests/test_goflag: $(BUILD)/tests/test_goflag.o $(BUILD)/harness/goflag.o
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka
OBJS += $(BUILD)/tests/test_goflag.o
UNIT_TESTS += $(BUILD)/tests/test_goflag
SAN_TESTS += $(BUILD)/tests/test_goflag

# The retention run's table of live blocks against a plain list; it needs
# only the table and the pointer map, so it also runs under ASan.
$(BUILD)/tests/test_harness_shadow: $(BUILD)/tests/test_harness_shadow.o \
  $(BUILD)/harness/cb_shadow.o $(BUILD)/harness/cb_ptrmap.o
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka
OBJS += $(BUILD)/tests/test_harness_shadow.o
UNIT_TESTS += $(BUILD)/tests/test_harness_shadow
SAN_TESTS += $(BUILD)/tests/test_harness_shadow
