# gate build fragment: the regression rules (libcbgate.a) and their tests.

GATE_OBJS := $(BUILD)/gate/config.o $(BUILD)/gate/judge.o
OBJS += $(GATE_OBJS) $(BUILD)/tests/test_gate_rules.o

$(BUILD)/libcbgate.a: $(GATE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/test_gate_rules: $(BUILD)/tests/test_gate_rules.o $(BUILD)/libcbgate.a $(BUILD)/libcbstats.a
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka $(GSL_LIBS)

UNIT_TESTS += $(BUILD)/tests/test_gate_rules
SAN_TESTS += $(BUILD)/tests/test_gate_rules
