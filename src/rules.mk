# rules.mk - build rules shared by every src/*/Makefile
#
# A directory's Makefile.in sets some of:
#   LIB = name          build ../../lib/libname.a from LIB_SRCS
#   LIB_SRCS = ...
#   PROGS = a b         build programs into PROGDIR (bin or libexec)
#   a_SRCS = ...        sources of program a
#   a_LIBS = global util          our libraries, in link order
#   a_AUXLIBS = $(AUXLIBS_DB)     the optional libraries it uses
#   TESTS = x_test ...  cmocka tests, each from x_test.c plus x_test_SRCS,
#                       linked with TEST_LIBS (sanitized builds)
#   INCDIRS = util global         header directories under src/
# and then includes this file.

TOP = ../..

# Quiet by default; "make V=1" shows full command lines.
ifeq ($(V),1)
Q =
say = @true
else
Q = @
say = @echo "  $(1)	$(2)"
endif
LIBDIR = $(TOP)/lib
PROGDIR ?= bin
OUTDIR = $(TOP)/$(PROGDIR)
SAN = .san

INCLUDES = -I. $(INCDIRS:%=-I$(TOP)/src/%)
ALL_CFLAGS = $(DEBUG) $(OPT) $(WARN) $(INCLUDES) $(CCARGS) $(PATHDEFS) -MMD -MP
SAN_CFLAGS = -g -O1 $(WARN) $(INCLUDES) $(CCARGS) $(PATHDEFS) $(SANFLAGS) -MMD -MP
SYSLIBS = -lresolv

LIB_OBJS = $(LIB_SRCS:.c=.o)
LIB_SAN_OBJS = $(LIB_SRCS:%.c=$(SAN)/%.o)
LIB_A = $(if $(LIB),$(LIBDIR)/lib$(LIB).a)
LIB_SAN_A = $(if $(LIB),$(LIBDIR)/lib$(LIB)-san.a)
PROG_PATHS = $(PROGS:%=$(OUTDIR)/%)
TEST_PATHS = $(TESTS:%=$(SAN)/%)

all: $(LIB_A) $(PROG_PATHS)

%.o: %.c
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(SAN)/%.o: %.c
	@mkdir -p $(SAN)
	$(call say,CC-SAN,$<)
	$(Q)$(CC) $(SAN_CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(LIBDIR)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(LIB_OBJS)

$(LIB_SAN_A): $(LIB_SAN_OBJS)
	@mkdir -p $(LIBDIR)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(LIB_SAN_OBJS)

define prog_rule
$(1)_OBJS = $$($(1)_SRCS:.c=.o)
$(1)_ARCHIVES = $$(foreach l,$$($(1)_LIBS),$(LIBDIR)/lib$$(l).a)
$(OUTDIR)/$(1): $$($(1)_OBJS) $$($(1)_ARCHIVES)
	@mkdir -p $(OUTDIR)
	$$(call say,LINK,$$@)
	$(Q)$$(CC) $$(DEBUG) $$(OPT) -o $$@ $$($(1)_OBJS) $$($(1)_ARCHIVES) $$($(1)_AUXLIBS) $$(AUXLIBS) $$(SYSLIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

TEST_ARCHIVES = $(foreach l,$(TEST_LIBS),$(LIBDIR)/lib$(l)-san.a)

define test_rule
$(1)_TOBJS = $(SAN)/$(1).o $$($(1)_SRCS:%.c=$(SAN)/%.o)
$(SAN)/$(1): $$($(1)_TOBJS) $$(TEST_ARCHIVES)
	$$(call say,LINK,$$@)
	$(Q)$$(CC) $$(SANFLAGS) -o $$@ $$($(1)_TOBJS) $$(TEST_ARCHIVES) $$(TEST_AUXLIBS) $$(AUXLIBS) $$(CMOCKA_LIBS) $$(SYSLIBS)
endef
$(foreach t,$(TESTS),$(eval $(call test_rule,$(t))))

# The sanitized archives of the libraries a test links are built by their
# own directories; "tests" builds them first through the top Makefile.
$(LIBDIR)/lib%-san.a: FORCE
	@$(MAKE) --no-print-directory -C $(TOP)/src/$* san-lib

san-lib: $(LIB_SAN_A)

tests: $(TEST_PATHS)

# Runs every test of this directory; the caller reads cmocka's summaries.
test: tests
	@rc=0; \
	for t in $(TESTS); do ./$(SAN)/$$t || rc=1; done; exit $$rc

clean:
	rm -rf *.o *.d $(SAN) $(LIB_A) $(LIB_SAN_A) $(PROG_PATHS)

.PHONY: all tests test clean san-lib FORCE
FORCE:

-include $(LIB_SRCS:.c=.d) $(LIB_SAN_OBJS:.o=.d) \
	$(foreach p,$(PROGS),$($(p)_SRCS:.c=.d)) $(TEST_PATHS:%=%.d) \
	$(foreach t,$(TESTS),$($(t)_SRCS:%.c=$(SAN)/%.d))

# Fuzzing ("make fuzz" at the top runs tests/run-fuzz). A directory lists
# its libFuzzer targets in FUZZERS: each NAME_fuzz comes from NAME_fuzz.c
# and links with the fuzz builds of TEST_LIBS plus TEST_AUXLIBS. libFuzzer
# needs clang, so everything here is compiled with FUZZ_CC, with coverage
# instrumentation and the sanitizers, into .fuzz/ (the library too, as
# .fuzz/libLIB.a): the gcc objects and archives are never touched.
FUZZ = .fuzz
FUZZ_CC = clang
FUZZ_SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 $(WARN) $(INCLUDES) $(CCARGS) $(PATHDEFS) \
	$(FUZZ_SANFLAGS) -fsanitize=fuzzer-no-link -MMD -MP
# FUZZ_ONLY_SRCS: fuzzer scaffolding, in the fuzz archive only.
FUZZ_LIB_OBJS = $(LIB_SRCS:%.c=$(FUZZ)/%.o) $(FUZZ_ONLY_SRCS:%.c=$(FUZZ)/%.o)
FUZZ_LIB_A = $(if $(LIB),$(FUZZ)/lib$(LIB).a)
FUZZ_ARCHIVES = $(foreach l,$(TEST_LIBS),$(TOP)/src/$(l)/$(FUZZ)/lib$(l).a)
FUZZ_PATHS = $(FUZZERS:%=$(FUZZ)/%)

$(FUZZ)/%.o: %.c
	@mkdir -p $(FUZZ)
	$(call say,CC-FUZZ,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB_A): $(FUZZ_LIB_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(FUZZ_LIB_OBJS)

# Each library's fuzz build is made by its own directory, as san-lib is.
define fuzz_lib_rule
$(TOP)/src/$(1)/$(FUZZ)/lib$(1).a: FORCE
	@$$(MAKE) --no-print-directory -C $(TOP)/src/$(1) fuzz-lib
endef
$(foreach l,$(TEST_LIBS),$(eval $(call fuzz_lib_rule,$(l))))

define fuzz_rule
$(FUZZ)/$(1): $(FUZZ)/$(1).o $$(FUZZ_ARCHIVES)
	$$(call say,LINK-FUZZ,$$@)
	$(Q)$$(FUZZ_CC) $$(FUZZ_SANFLAGS) -fsanitize=fuzzer -o $$@ $(FUZZ)/$(1).o $$(FUZZ_ARCHIVES) $$(TEST_AUXLIBS) $$(AUXLIBS) $$(SYSLIBS)
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))

fuzz-lib: $(FUZZ_LIB_A)

fuzzers: $(FUZZ_PATHS)

# For tests/run-fuzz: the fuzzers of this directory, one line.
fuzz-list:
	@echo $(FUZZERS)

fuzz-clean:
	rm -rf $(FUZZ)

clean: fuzz-clean

.PHONY: fuzz-lib fuzzers fuzz-list fuzz-clean

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_PATHS:%=%.d)
