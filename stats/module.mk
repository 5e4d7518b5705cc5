# stats build fragment: libcbstats.a (medians, U test, geomean; no I/O) and
# its cmocka tests, which also run under ASan+UBSan (make asan).

STATS_OBJS := $(BUILD)/stats/sort.o $(BUILD)/stats/quantileci.o \
              $(BUILD)/stats/median.o $(BUILD)/stats/normal.o \
              $(BUILD)/stats/udist.o $(BUILD)/stats/utest.o \
              $(BUILD)/stats/geomean.o $(BUILD)/stats/warning.o \
              $(BUILD)/stats/gofloat.o $(BUILD)/stats/release.o \
              $(BUILD)/stats/assume.o $(BUILD)/stats/gomath.o

STATS_TESTS := $(BUILD)/tests/test_stats_median $(BUILD)/tests/test_stats_udist \
               $(BUILD)/tests/test_stats_utest $(BUILD)/tests/test_stats_format \
               $(BUILD)/tests/test_stats_assume $(BUILD)/tests/test_stats_gomath

OBJS       += $(STATS_OBJS) $(STATS_TESTS:=.o)
UNIT_TESTS += $(STATS_TESTS)
SAN_TESTS  += $(STATS_TESTS)

$(BUILD)/libcbstats.a: $(STATS_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(STATS_TESTS): %: %.o $(BUILD)/libcbstats.a
	$(CC) $(CFLAGS) -o $@ $^ $(GSL_LIBS) -lcmocka -lm

.PHONY: stats-test
stats-test: $(STATS_TESTS)
	@tests/run.sh stats $(STATS_TESTS)

# Go's Log and Exp round after every operation (stats/gomath.c): never fuse.
$(BUILD)/stats/gomath.o: CFLAGS += -ffp-contract=off
