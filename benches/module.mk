# benches build fragment: every example suite in BENCH_SRCS is linked into
# one binary, $(BUILD)/benches/cbench-examples (BENCH() registers each
# benchmark, so adding a file to the list is all it takes). `make bench`
# runs it; pass runner flags with BENCHFLAGS, e.g.
#   make bench BENCHFLAGS='-bench "Hook|MallocFree" -count 10'

BENCH_SRCS := benches/strbuild.c benches/itoa.c benches/pool.c benches/sizes.c \
              benches/header.c benches/cjson.c benches/retain.c \
              benches/hook_overhead.c
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/%.o)
OBJS += $(BENCH_OBJS)
BENCHFLAGS ?=

$(BUILD)/benches/cbench-examples: $(BENCH_OBJS) $(BUILD)/libcbench.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(BENCH_OBJS) $(BUILD)/libcbench.a $(CBENCH_LIBS)

bench: deps $(BUILD)/benches/cbench-examples
	$(BUILD)/benches/cbench-examples -pkg cbench/benches $(BENCHFLAGS)

# What measuring retained-B/op costs (README, "retained-B/op").
LINT_FILES += benches/retained_cost.sh

# make bench-hooks: instructions (callgrind) and nanoseconds (interleaved
# runs) that the allocator hooks add to a malloc(32)+free pair, from one
# loop built without and with libcbench.a; see benches/hook_cost.sh.
$(BUILD)/benches/hook_pair_plain: benches/hook_pair.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $<

$(BUILD)/benches/hook_pair_hooked: benches/hook_pair.c $(BUILD)/libcbench.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DCBENCH_HOOKED -o $@ $< $(BUILD)/libcbench.a $(CBENCH_LIBS)

.PHONY: bench-hooks
bench-hooks: $(BUILD)/benches/hook_pair_plain $(BUILD)/benches/hook_pair_hooked
	benches/hook_cost.sh $^
LINT_FILES += benches/hook_cost.sh
