# wpsim build. `make` builds build/wpsim; see README.md for the other targets.
#
# Layering is enforced by what each binary links: build/unit links only the core
# and GSL, so a SimGrid or SQLite symbol in sim/core fails the build.

CC       ?= cc
BUILD    ?= build
PKGS_CORE = gsl
WARN     = -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wundef -Wvla
ifeq ($(CI),true)
WERROR   ?= -Werror
endif
OPT      ?= -O2 -g
CFLAGS_BASE = $(WARN) $(WERROR) $(OPT) -D_GNU_SOURCE -Isim
CORE_CFLAGS = $(CFLAGS_BASE) -Wconversion $(shell pkg-config --cflags $(PKGS_CORE))
APP_CFLAGS  = $(CFLAGS_BASE) $(shell pkg-config --cflags $(PKGS_CORE))
CORE_LIBS   = $(shell pkg-config --libs $(PKGS_CORE)) -lm
PKGS_SIM    = simgrid inih sqlite3
SIM_CFLAGS  = $(APP_CFLAGS) $(shell pkg-config --cflags $(PKGS_SIM) 2>/dev/null)
SIM_LIBS    = $(shell pkg-config --libs $(PKGS_SIM) 2>/dev/null) $(CORE_LIBS)

CORE_SRC  = $(wildcard sim/core/*.c)
IO_SRC    = $(wildcard sim/io/*.c)
ACTORS_SRC = $(wildcard sim/actors/*.c)
STORE_SRC = sim/store/store.c sim/store/sweep.c sim/store/sweep_file.c
SIMTEST_SRC = $(wildcard sim/tests/sim/*.c) sim/tests/unit/unit_main.c
UNIT_SRC  = $(wildcard sim/tests/unit/*.c)
IOTEST_SRC = $(wildcard sim/tests/io/*.c) sim/tests/unit/unit_main.c
BENCH_SRC = $(filter-out sim/bench/sim_bench.c,$(wildcard sim/bench/*.c))

CORE_OBJ  = $(CORE_SRC:%.c=$(BUILD)/%.o)
IO_OBJ    = $(IO_SRC:%.c=$(BUILD)/%.o)
ACTORS_OBJ = $(ACTORS_SRC:%.c=$(BUILD)/%.o)
STORE_OBJ = $(STORE_SRC:%.c=$(BUILD)/%.o)
SIMTEST_OBJ = $(SIMTEST_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ  = $(UNIT_SRC:%.c=$(BUILD)/%.o)
IOTEST_OBJ = $(IOTEST_SRC:%.c=$(BUILD)/%.o)
BENCH_OBJ = $(BENCH_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ  = $(BUILD)/sim/main.o

all: $(BUILD)/wpsim

# A fresh machine: install the packages first (make deps needs root).
$(BUILD)/.deps-ok:
	@mkdir -p $(BUILD)
	@pkg-config --exists gsl simgrid sqlite3 inih || $(MAKE) deps
	@touch $@

$(BUILD)/sim/core/%.o: sim/core/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/sim/actors/%.o: sim/actors/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

# The results database and sweeps: SQLite (only here), SimGrid runs in child processes.
$(BUILD)/sim/store/%.o: sim/store/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/sim/tests/sim/%.o: sim/tests/sim/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/sim/main.o: sim/main.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(APP_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libxscore.a: $(CORE_OBJ)
	ar rcs $@ $^

$(BUILD)/wpsim: $(MAIN_OBJ) $(IO_OBJ) $(STORE_OBJ) $(ACTORS_OBJ) $(BUILD)/libxscore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(SIM_LIBS)

# Tests of the simulation layer (scenarios, distributions, device, runs): SimGrid.
$(BUILD)/simtest: $(SIMTEST_OBJ) $(STORE_OBJ) $(ACTORS_OBJ) $(BUILD)/libxscore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(SIM_LIBS)

# The unit-test binary: core + GSL only (DESIGN.md §1).
$(BUILD)/unit: $(UNIT_OBJ) $(BUILD)/libxscore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

# Tests of the xfs_io language layer (sim/io) link it with the core.
$(BUILD)/iotest: $(IOTEST_OBJ) $(IO_OBJ) $(BUILD)/libxscore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

# The simulation benchmark: SimGrid, the actors and the core.
$(BUILD)/simbench: $(BUILD)/sim/bench/sim_bench.o $(ACTORS_OBJ) $(BUILD)/libxscore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(SIM_LIBS)

$(BUILD)/sim/bench/sim_bench.o: sim/bench/sim_bench.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/bench: $(BENCH_OBJ) $(BUILD)/libxscore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

# wpsim report (issue 4): statistics (GSL) and the report (SQLite, opened read-only),
# compiled by the sim/store rule above, linked into build/wpsim; the statistics' tests
# are in build/simtest. Prerequisites are added on lines of their own ($^ drops
# duplicates, so these objects may also be listed elsewhere).
REPORT_SRC  = sim/store/report.c sim/store/report_out.c sim/store/stats.c
REPORT_OBJ  = $(REPORT_SRC:%.c=$(BUILD)/%.o)

$(BUILD)/wpsim: $(REPORT_OBJ)
$(BUILD)/simtest: $(BUILD)/sim/store/stats.o

# analysis/*.sql and `wpsim report` on a generated database (needs the sqlite3 CLI).
analysis-test: $(BUILD)/wpsim
	@sh sim/tests/analysis.sh $(BUILD)/wpsim

.PHONY: analysis-test
-include $(REPORT_OBJ:.o=.d)

deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		build-essential libsimgrid-dev libgsl-dev libsqlite3-dev libinih-dev \
		pkg-config xfsprogs gnuplot-nox sqlite3 clang-format parallel

test: $(BUILD)/unit $(BUILD)/iotest $(BUILD)/simtest $(BUILD)/wpsim
	@sh sim/tests/run-all.sh $(BUILD)

# The main job: the default sweeps into data/results.db (runs already stored are
# kept: remove the file to start afresh), then the report into data/report/.
DB ?= data/results.db
run: $(BUILD)/wpsim
	@mkdir -p data
	$(BUILD)/wpsim sweep configs/sweeps/default-346.ini --db $(DB) --resume
	$(BUILD)/wpsim sweep configs/sweeps/default-344.ini --db $(DB) --resume
	$(BUILD)/wpsim sweep configs/sweeps/default-nopunch.ini --db $(DB) --resume
	$(BUILD)/wpsim report --db $(DB) --out data/report
	@sqlite3 -readonly $(DB) < analysis/summary.sql

bench: $(BUILD)/bench $(BUILD)/simbench $(BUILD)/wpsim
	$(BUILD)/bench
	@sh sim/bench/io-bench.sh $(BUILD)/wpsim
	$(BUILD)/simbench
	@sh sim/bench/sweep-bench.sh $(BUILD)/wpsim

# stdbuf (used by the diff runner) preloads a library ahead of the ASan runtime.
asan:
	ASAN_OPTIONS=verify_asan_link_order=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" test

kernel-capture:
	sh data/kernel/capture.sh

FORMAT_FILES = $(shell git ls-files 'sim/*.c' 'sim/*.h' 2>/dev/null)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

format:
	clang-format -i $(FORMAT_FILES)

clean:
	rm -rf build build-asan

.PHONY: all deps test run bench asan kernel-capture format-check format clean
-include $(CORE_OBJ:.o=.d) $(IO_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(IOTEST_OBJ:.o=.d) $(ACTORS_OBJ:.o=.d) $(STORE_OBJ:.o=.d) $(SIMTEST_OBJ:.o=.d) $(BENCH_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
