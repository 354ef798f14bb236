# wpsim build. `make` builds build/wpsim and checks the layers; see README.md for the
# other targets.
#
# Layering is enforced by linking: every layer's archive is linked whole against only
# the layers it may use (the LAYERS table below), and each test binary links only the
# layer it tests and those it uses, so a SimGrid or SQLite symbol where it does not
# belong fails the build.

.DEFAULT_GOAL := all
CC       ?= cc
BUILD    ?= build
WARN     = -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wundef -Wvla
ifeq ($(CI),true)
WERROR   ?= -Werror
endif
OPT      ?= -O2 -g
CFLAGS_BASE = $(WARN) $(WERROR) $(OPT) -D_GNU_SOURCE -Isim
APP_CFLAGS  = $(CFLAGS_BASE) -DXS_DATADIR='"$(DATADIR)"'

# ---- installation (make install) ----
# The data files a run needs (configs/, scenarios/) go to DATADIR, which the program
# knows as XS_DATADIR; every object is rebuilt when it changes (the stamp below).
PREFIX  ?= /usr/local
DATADIR ?= $(PREFIX)/share/wpsim
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# `wpsim --version` and run.version: sim/store/version.c alone is rebuilt when it changes.
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
# A stamp holding a value, rewritten only when the value changes: stamp FILE,VALUE
stamp = $(shell mkdir -p $(dir $(1)); [ "$$(cat $(1) 2>/dev/null)" = '$(2)' ] || printf '%s\n' '$(2)' >$(1))
$(call stamp,$(BUILD)/version.stamp,$(VERSION))
$(call stamp,$(BUILD)/datadir.stamp,$(DATADIR))

# ---- layers ----
# Each folder of sim/ is a layer (docs/design.md, "Layers"): compiled with the flags of
# its own packages only, archived as $(BUILD)/lib<layer>.a, and checked by linking it
# whole with nothing but the layers it may use (L_DEPS) and their packages (L_PKGS): a
# call into any other layer or library fails `make`. sim/tests/layers.sh checks the
# same table on #include lines.
LAYERS = core io config outcome pool actors store sweep report explore
core_PKGS    = gsl
core_DEPS    =
io_PKGS      = gsl
io_DEPS      = core
config_PKGS  = gsl inih
config_DEPS  = core
outcome_PKGS =
outcome_DEPS =
pool_PKGS    =
pool_DEPS    =
actors_PKGS  = simgrid gsl
actors_DEPS  = config outcome core
store_PKGS   = sqlite3
store_DEPS   = outcome
sweep_PKGS   = gsl
sweep_DEPS   = actors store pool config outcome core
report_PKGS  = gsl
report_DEPS  = store outcome
explore_PKGS = gsl
explore_DEPS = actors store pool config outcome core

layer_src   = $(wildcard sim/$(1)/*.c)
layer_obj   = $(patsubst %.c,$(BUILD)/%.o,$(call layer_src,$(1)))
layer_lib   = $(BUILD)/lib$(1).a
# Packages of a layer and of every layer it may use (for linking).
layer_pkgs  = $(sort $($(1)_PKGS) $(foreach d,$($(1)_DEPS),$($(d)_PKGS)))
pkg_cflags  = $(if $(1),$(shell pkg-config --cflags $(1) 2>/dev/null))
pkg_libs    = $(if $(1),$(shell pkg-config --libs $(1) 2>/dev/null)) -lm

define LAYER_RULES
$(BUILD)/sim/$(1)/%.o: sim/$(1)/%.c $(BUILD)/datadir.stamp | $(BUILD)/.deps-ok
	@mkdir -p $$(dir $$@)
	$$(CC) $$(APP_CFLAGS) $(if $(filter core,$(1)),-Wconversion) $$(call pkg_cflags,$$($(1)_PKGS)) -MMD -MP -c $$< -o $$@

$(call layer_lib,$(1)): $(call layer_obj,$(1))
	@rm -f $$@
	ar rcs $$@ $$^

$(BUILD)/layers/$(1).ok: $(call layer_lib,$(1)) $(foreach d,$($(1)_DEPS),$(call layer_lib,$(d))) $(BUILD)/layers/empty_main.o
	$$(CC) $$(LDFLAGS) -o $(BUILD)/layers/$(1).check $(BUILD)/layers/empty_main.o \
		-Wl,--whole-archive $(call layer_lib,$(1)) -Wl,--no-whole-archive \
		$(foreach d,$($(1)_DEPS),$(call layer_lib,$(d))) $$(call pkg_libs,$(call layer_pkgs,$(1)))
	@touch $$@

-include $(patsubst %.o,%.d,$(call layer_obj,$(1)))
endef
$(foreach L,$(LAYERS),$(eval $(call LAYER_RULES,$(L))))

$(BUILD)/layers/empty_main.o: | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	printf 'int main(void)\n{\n\treturn 0;\n}\n' | $(CC) $(APP_CFLAGS) -x c -c - -o $@

LAYER_CHECKS = $(foreach L,$(LAYERS),$(BUILD)/layers/$(L).ok)
layers: $(LAYER_CHECKS)
	@sh sim/tests/layers.sh $(foreach L,$(LAYERS),$(L):$(subst $(eval) ,+,$(strip $($(L)_DEPS)))) \
		fuzz:$(subst $(eval) ,+,$(strip $(FUZZ_USES)))

ALL_LAYER_LIBS = $(foreach L,explore report sweep store actors pool outcome config io core,$(call layer_lib,$(L)))
ALL_PKGS = $(sort $(foreach L,$(LAYERS),$($(L)_PKGS)))

BENCH_SRC = $(filter-out sim/bench/sim_bench.c,$(wildcard sim/bench/*.c))
BENCH_OBJ = $(BENCH_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ  = $(BUILD)/sim/main.o $(BUILD)/sim/help.o $(BUILD)/sim/help_gen.o
SIM_CFLAGS = $(APP_CFLAGS) $(call pkg_cflags,$(ALL_PKGS))
SIM_LIBS   = $(call pkg_libs,$(ALL_PKGS))

all: $(BUILD)/wpsim $(BUILD)/wpsim.1 $(BUILD)/wpsim.bash layers

# A fresh machine: install the packages first (make deps needs root).
$(BUILD)/.deps-ok:
	@mkdir -p $(BUILD)
	@pkg-config --exists gsl simgrid sqlite3 inih || $(MAKE) deps
	@touch $@

$(BUILD)/sim/bench/%.o: sim/bench/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/sim/%.o: sim/%.c $(BUILD)/datadir.stamp | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/sim/store/version.o: $(BUILD)/version.stamp
$(BUILD)/sim/store/version.o: APP_CFLAGS += -DXS_VERSION='"$(VERSION)"'

# The man page and the bash completion, printed by the program from the tables its
# help, `wpsim keys` and its loader read.
$(BUILD)/wpsim.1: $(BUILD)/wpsim
	$(BUILD)/wpsim help --man >$@.tmp && mv $@.tmp $@

$(BUILD)/wpsim.bash: $(BUILD)/wpsim
	$(BUILD)/wpsim help --completion >$@.tmp && mv $@.tmp $@

install: $(BUILD)/wpsim $(BUILD)/wpsim.1 $(BUILD)/wpsim.bash
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(BUILD)/wpsim $(DESTDIR)$(BINDIR)/wpsim
	install -m 644 $(BUILD)/wpsim.1 $(DESTDIR)$(MANDIR)/wpsim.1
	install -m 644 $(BUILD)/wpsim.bash $(DESTDIR)$(BASHCOMPDIR)/wpsim
	cp -R configs scenarios $(DESTDIR)$(DATADIR)/

$(BUILD)/wpsim: $(MAIN_OBJ) $(ALL_LAYER_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(SIM_LIBS)

# ---- tests (sim/tests/README.md) ----
# sim/tests/L/ holds the tests of layer L: one binary, $(BUILD)/test-L, linked with the
# layers it tests and those they may use, no more, so that a config test that reached
# for SimGrid would not link. A folder whose tests reach a higher layer names the
# layers it tests in TEST_L_LAYERS.
TEST_DIRS = $(sort $(patsubst sim/tests/%/,%,$(dir $(wildcard sim/tests/*/*.c))))
# test_outcome.c holds the outcome table against the report's metric list.
TEST_outcome_LAYERS = outcome report
test_layers = $(or $(TEST_$(1)_LAYERS),$(1))
LINK_ORDER  = explore report sweep store actors pool outcome config io core
test_link   = $(filter $(sort $(foreach l,$(call test_layers,$(1)),$(l) $($(l)_DEPS))),$(LINK_ORDER))
test_pkgs   = $(sort $(foreach l,$(call test_link,$(1)),$($(l)_PKGS)))
test_obj    = $(patsubst %.c,$(BUILD)/%.o,$(wildcard sim/tests/$(1)/*.c))

define TEST_RULES
$(BUILD)/sim/tests/$(1)/%.o: sim/tests/$(1)/%.c | $(BUILD)/.deps-ok
	@mkdir -p $$(dir $$@)
	$$(CC) $$(APP_CFLAGS) $$(call pkg_cflags,$(call test_pkgs,$(1))) -MMD -MP -c $$< -o $$@

$(BUILD)/test-$(1): $(call test_obj,$(1)) $(BUILD)/sim/tests/runner.o $(foreach l,$(call test_link,$(1)),$(call layer_lib,$(l)))
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(call pkg_libs,$(call test_pkgs,$(1)))
endef
TEST_LAYER_DIRS = $(filter $(LAYERS),$(TEST_DIRS))
$(foreach D,$(TEST_LAYER_DIRS),$(eval $(call TEST_RULES,$(D))))
TEST_BINS = $(foreach D,$(TEST_LAYER_DIRS),$(BUILD)/test-$(D))
# the fuzz harnesses (see "fuzzing" below), whose corpus replay make test runs: defined
# here, before the rules that name them as prerequisites
FUZZ_HARNESSES = scenario sweep io schedule
FUZZ_REPLAY_BINS = $(foreach H,$(FUZZ_HARNESSES),$(BUILD)/fuzz-replay-$(H))
# The explore tests make whole runs in forked children, as the actors tests do.
$(BUILD)/test-explore: $(BUILD)/sim/tests/actors/simfork.o
TEST_OBJ  = $(foreach D,$(TEST_LAYER_DIRS),$(call test_obj,$(D))) $(BUILD)/sim/tests/runner.o

$(BUILD)/sim/tests/runner.o: sim/tests/runner.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(APP_CFLAGS) -MMD -MP -c $< -o $@

# A test no binary would run: a folder that is not a layer, or a file outside the
# layers' folders.
TEST_STRAYS = $(patsubst %,sim/tests/%/,$(filter-out $(LAYERS),$(TEST_DIRS))) \
	$(filter-out sim/tests/runner.c,$(wildcard sim/tests/*.c)) $(wildcard sim/tests/*/*/*.c)
test-layout:
	@$(if $(strip $(TEST_STRAYS)),echo "tests that no binary runs: $(strip $(TEST_STRAYS))" \
		"(each layer's tests go in sim/tests/LAYER/)"; exit 1,true)

# The simulation benchmark: SimGrid, the actors and the core.
$(BUILD)/simbench: $(BUILD)/sim/bench/sim_bench.o $(ALL_LAYER_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(SIM_LIBS)

$(BUILD)/bench: $(BENCH_OBJ) $(call layer_lib,core)
	$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(core_PKGS))

# analysis/*.sql and `wpsim report` on a generated database (needs the sqlite3 CLI).
analysis-test: $(BUILD)/wpsim
	@sh sim/tests/analysis.sh $(BUILD)/wpsim

.PHONY: analysis-test layers

deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		build-essential libsimgrid-dev libgsl-dev libsqlite3-dev libinih-dev \
		pkg-config xfsprogs gnuplot-nox sqlite3 clang-format parallel python3 time

test: test-layout $(TEST_BINS) $(FUZZ_REPLAY_BINS) $(BUILD)/wpsim $(BUILD)/wpsim.1 $(BUILD)/wpsim.bash $(BUILD)/calibrate layers
	@sh sim/tests/run-all.sh $(BUILD)

# For work in progress: every layer's tests, the differential, CLI and analysis suites,
# scenarios.sh with 200 explored schedules where it explores 2000 and without its
# bounded enumeration, no sweep.sh.
test-quick: test-layout $(TEST_BINS) $(FUZZ_REPLAY_BINS) $(BUILD)/wpsim $(BUILD)/wpsim.1 $(BUILD)/wpsim.bash $(BUILD)/calibrate layers
	@sh sim/tests/run-all.sh --quick $(BUILD)

# The main job: the default sweeps into data/results.db (runs already stored are
# kept: remove the file to start afresh), then the report into data/report/; then the
# race scenarios explored (wpsim explore, pct) on their 4 MiB instance, every schedule
# under every preset, into data/explore.db (a run already stored is not run again),
# each command's output kept in data/explore-NAME.txt. The summary: the sweeps' table,
# per preset the schedules explored and those that lose data, and the minimal story
# of the 6.1 loss.
DB ?= data/results.db
XDB ?= data/explore.db
EXPLORE_SHAPE = -s global.file_size=4m -s pwriter.size=4m -s mmapper.size=4m
EXPLORE_OPTS = --compare global.kernel=6.1,6.2,6.6,6.13,6.18 --runs 200 --db $(XDB)
EXPLORE_SCENARIOS = generic-346 generic-344
run: $(BUILD)/wpsim
	@mkdir -p data
	$(BUILD)/wpsim sweep configs/sweeps/default-346.ini --db $(DB) --resume
	$(BUILD)/wpsim sweep configs/sweeps/default-344.ini --db $(DB) --resume
	$(BUILD)/wpsim sweep configs/sweeps/default-nopunch.ini --db $(DB) --resume
	$(BUILD)/wpsim report --db $(DB) --out data/report
	@for s in $(EXPLORE_SCENARIOS); do \
		echo "$(BUILD)/wpsim explore scenarios/$$s.ini $(EXPLORE_SHAPE) $(EXPLORE_OPTS)"; \
		$(BUILD)/wpsim explore scenarios/$$s.ini $(EXPLORE_SHAPE) $(EXPLORE_OPTS) \
			>data/explore-$$s.txt || exit 1; \
		sed '/^minimal story/,/^interleaving/d' data/explore-$$s.txt; \
	done
	@echo; echo "Sweeps: runs with loss and with leaks, per scenario and policy"
	@sqlite3 -readonly $(DB) < analysis/summary.sql
	@echo; echo "Explored schedules, per scenario and preset (4 MiB instances)"
	@sqlite3 -readonly $(XDB) < analysis/explore-summary.sql
	@for s in $(EXPLORE_SCENARIOS); do \
		echo; echo "$$s, the minimal story of the 6.1 loss:"; \
		sed -n '/^minimal story \[global.kernel=6.1\]/,/^interleaving/p' data/explore-$$s.txt; \
	done

bench: $(BUILD)/bench $(BUILD)/simbench $(BUILD)/wpsim
	$(BUILD)/bench
	@sh sim/bench/io-bench.sh $(BUILD)/wpsim
	$(BUILD)/simbench $(BUILD)/wpsim
	@sh sim/bench/sweep-bench.sh $(BUILD)/wpsim
	@sh sim/bench/explore-bench.sh $(BUILD)/wpsim

# The tests under AddressSanitizer and UBSan, in build-asan/. stdbuf (used by the diff
# runner) preloads a library ahead of the ASan runtime. SimGrid runs its actors on
# threads there (contexts/factory:thread, set where __SANITIZE_ADDRESS__ is defined),
# as ASan cannot follow its default context switches.
ASAN_MAKE = ASAN_OPTIONS=verify_asan_link_order=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined"
asan:
	$(ASAN_MAKE) test

asan-quick:
	$(ASAN_MAKE) test-quick

# ---- fuzzing (sim/fuzz/README.md) ----
# One harness per input parser, each linked with the layer of its parser and the
# layers that one may use (the LAYERS table), like a layer's tests. sim/fuzz/ is no
# layer: nothing links against it. `make test` replays every corpus file through every
# harness built with $(CC) and replay.c (fuzz-replay-NAME); `make fuzz` builds the
# harnesses with clang and libFuzzer in build-fuzz/ and runs each FUZZ_SECONDS.
FUZZ_scenario_LAYER = config
FUZZ_sweep_LAYER    = sweep
FUZZ_io_LAYER       = io
FUZZ_schedule_LAYER = explore
FUZZ_USES   = $(sort $(foreach H,$(FUZZ_HARNESSES),$(FUZZ_$(H)_LAYER) $($(FUZZ_$(H)_LAYER)_DEPS)))
fuzz_link   = $(call test_link,$(FUZZ_$(1)_LAYER))
fuzz_pkgs   = $(call test_pkgs,$(FUZZ_$(1)_LAYER))
FUZZ_COMMON = $(BUILD)/sim/fuzz/fuzz_memfile.o

define FUZZ_RULES
$(BUILD)/fuzz-replay-$(1): $(BUILD)/sim/fuzz/fuzz_$(1).o $(BUILD)/sim/fuzz/replay.o $(FUZZ_COMMON) \
		$(foreach l,$(call fuzz_link,$(1)),$(call layer_lib,$(l)))
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(call pkg_libs,$(call fuzz_pkgs,$(1)))

$(BUILD)/fuzz-$(1): $(BUILD)/sim/fuzz/fuzz_$(1).o $(FUZZ_COMMON) \
		$(foreach l,$(call fuzz_link,$(1)),$(call layer_lib,$(l)))
	$$(CC) $$(LDFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$(call pkg_libs,$(call fuzz_pkgs,$(1)))
endef
$(foreach H,$(FUZZ_HARNESSES),$(eval $(call FUZZ_RULES,$(H))))
FUZZ_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(wildcard sim/fuzz/*.c))

FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 8192
FUZZ_RSS_MB  ?= 2048
FUZZ_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_FLAGS)" \
		LDFLAGS="$(FUZZ_FLAGS)" $(foreach H,$(FUZZ_HARNESSES),build-fuzz/fuzz-$(H))
	sh sim/fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_MAX_LEN) $(FUZZ_RSS_MB) $(FUZZ_HARNESSES)

kernel-capture:
	sh data/kernel/capture.sh

# The [cpu] cost file of the running kernel, measured on a loop-mounted XFS (as root):
# tools/calibrate, docs/scenarios.md, "Cost files". Needs no SimGrid.
CAL_SRC = $(wildcard tools/calibrate/*.c)
CAL_OUT ?= configs/cpu/linux-$(shell uname -r | cut -d. -f1,2).ini
# Never sanitized (not even in build-asan): its checks count the page faults its own
# touches take, and a sanitizer's shadow memory takes faults of its own.
$(BUILD)/calibrate: $(CAL_SRC) $(wildcard tools/calibrate/*.h)
	@mkdir -p $(BUILD)
	$(CC) $(WARN) $(WERROR) -O2 -g -D_GNU_SOURCE -o $@ $(CAL_SRC) -lm

# The file of the defaults' kernel also becomes the built-in defaults.
CAL_DEFAULTS = configs/cpu/linux-6.18.ini
kernel-calibrate: $(BUILD)/calibrate
	$(BUILD)/calibrate $(CAL_OUT)
	@if [ "$(CAL_OUT)" = "$(CAL_DEFAULTS)" ]; then sh tools/calibrate/defaults.sh $(CAL_OUT) && \
		echo "sim/config/scenario_keys.c: the [cpu] defaults are now $(CAL_OUT)'s"; fi

FORMAT_FILES = $(shell git ls-files 'sim/*.c' 'sim/*.h' 'tools/*.c' 'tools/*.h' 2>/dev/null)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

format:
	clang-format -i $(FORMAT_FILES)

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all install deps test test-quick test-layout run bench asan asan-quick fuzz kernel-capture kernel-calibrate \
	format-check format clean
-include $(TEST_OBJ:.o=.d) $(BENCH_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)
