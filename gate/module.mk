# gate build fragment: the regression gate (libcbgate.a) and its tests. The
# gate judges bstat's tables, so it links against libbstat.a (the stages
# below the command) and stats; bstat's command links against it.

GATE_OBJS := $(BUILD)/gate/config.o $(BUILD)/gate/judge.o $(BUILD)/gate/check.o \
             $(BUILD)/gate/report.o
OBJS += $(GATE_OBJS) $(BUILD)/tests/test_gate_rules.o

$(BUILD)/libcbgate.a: $(GATE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/test_gate_rules: $(BUILD)/tests/test_gate_rules.o $(BUILD)/libcbgate.a $(BUILD)/libbstat.a $(BUILD)/libcbstats.a
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka $(GSL_LIBS) -lcjson -lm

UNIT_TESTS += $(BUILD)/tests/test_gate_rules
SAN_TESTS += $(BUILD)/tests/test_gate_rules
