# leadq: build, test, demo, bench, install.  `make help` lists the targets.
CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
DESTDIR ?=

# SANITIZE=1 builds everything under AddressSanitizer and UBSan, in its own tree.
ifeq ($(SANITIZE),1)
BUILD   := build/san
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD   := build
SAN     :=
endif

STD      = -std=c11 -D_DEFAULT_SOURCE
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Werror
GENWARN  = -Wall -Wno-unused-function -Wno-unused-label -Wno-sign-compare -Wno-unused-parameter
INCLUDES = -Isrc -I$(BUILD)/gen
DEPFLAGS = -MMD -MP
LDLIBS   = -lcjson -lz -lxxhash -lm -pthread

LIB_SRC  = $(wildcard src/*.c)
CLI_SRC  = $(wildcard src/cli/*.c)
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/leadq.tab.o $(BUILD)/obj/lex.yy.o
CLI_OBJ  = $(CLI_SRC:src/cli/%.c=$(BUILD)/obj/cli/%.o)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_OBJ = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/obj/unit/%.o)

# Debian packages each target needs; `make deps-*` installs the missing ones.
PKGS_BUILD = gcc make flex bison libcjson-dev zlib1g-dev libxxhash-dev
PKGS_TEST  = libcriterion-dev jq chromium python3-xxhash
PKGS_BENCH = jq

.PHONY: all test test-embed test-header-cxx test-valgrind unit golden demo bench fuzz install uninstall clean help deps-build deps-test deps-bench
all: deps-build $(BUILD)/leadq

help:
	@echo "make            build $(BUILD)/leadq"
	@echo "make demo       run the bundled rules on the bundled leads"
	@echo "make test       unit tests and end-to-end golden tests"
	@echo "make test SANITIZE=1   the same under AddressSanitizer and UBSan"
	@echo "make test-valgrind     the end-to-end suite with every run under valgrind"
	@echo "make bench      throughput and memory against jq and hand-written C"
	@echo "make fuzz       run each libFuzzer harness for FUZZ_SECONDS (default 60)"
	@echo "make install    install leadq and its man page (PREFIX=$(PREFIX), DESTDIR)"

# Installs what is missing when run as root; otherwise prints the command to run.
define need
	@missing=""; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "leadq needs these Debian packages:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

deps-build: ; $(call need,$(PKGS_BUILD))
deps-test: deps-build ; $(call need,$(PKGS_TEST))
deps-bench: deps-build ; $(call need,$(PKGS_BENCH))

$(BUILD)/gen/leadq.tab.c $(BUILD)/gen/leadq.tab.h: grammar/leadq.y
	@mkdir -p $(@D)
	bison -Wall -Werror -d -o $(BUILD)/gen/leadq.tab.c $<

$(BUILD)/gen/lex.yy.c: grammar/leadq.l $(BUILD)/gen/leadq.tab.h
	@mkdir -p $(@D)
	flex -o $@ $<

$(BUILD)/obj/leadq.tab.o: $(BUILD)/gen/leadq.tab.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(SAN) $(GENWARN) $(DEPFLAGS) $(INCLUDES) -c -o $@ $<

$(BUILD)/obj/lex.yy.o: $(BUILD)/gen/lex.yy.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(SAN) $(GENWARN) $(DEPFLAGS) $(INCLUDES) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c $(BUILD)/gen/leadq.tab.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(SAN) $(WARN) $(DEPFLAGS) $(INCLUDES) -c -o $@ $<

# The unit tests that run the command use this build's binary (LQ_TEST_LEADQ).
$(BUILD)/obj/unit/%.o: tests/unit/%.c $(BUILD)/gen/leadq.tab.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(SAN) $(WARN) -Wno-missing-prototypes $(DEPFLAGS) $(INCLUDES) \
	  -DLQ_TEST_LEADQ='"$(abspath $(BUILD)/leadq)"' -DLQ_TEST_EMBED='"$(abspath $(BUILD)/embed)"' -c -o $@ $<

$(BUILD)/libleadq.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/leadq: $(CLI_OBJ) $(BUILD)/libleadq.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libleadq.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS) -lcriterion

# End-to-end: runs the real binary on each case folder in tests/golden/.
$(BUILD)/e2e-tests: tests/e2e.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(SAN) $(WARN) -Wno-missing-prototypes -o $@ $< -lcriterion

# Tools for the examples and the benchmark.
$(BUILD)/leadgen: examples/leadgen.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(WARN) -o $@ $< -lm
$(BUILD)/bench-hand: tests/bench/hand.c
	$(CC) $(STD) $(CFLAGS) $(WARN) -o $@ $< $(LDLIBS)
$(BUILD)/peakrss: tests/bench/peakrss.c
	$(CC) $(STD) $(CFLAGS) $(WARN) -o $@ $<

# examples/embed, the library's first outside client, built as an embedder
# builds it: against the installed header and library.
# MERGER: once `make install` installs libleadq (branch i12-pkg), build it
# against a DESTDIR install instead of the tree:
#   $(MAKE) install DESTDIR=$(abspath $(BUILD))/stage PREFIX=/usr
#   PKG_CONFIG_SYSROOT_DIR=$(abspath $(BUILD))/stage \
#   PKG_CONFIG_LIBDIR=$(abspath $(BUILD))/stage/usr/lib/pkgconfig \
#   $(CC) ... examples/embed/embed.c $$(pkg-config --cflags --libs leadq)
# Until then: src/leadq.h and build/libleadq.a, with the libraries it needs.
$(BUILD)/embed: examples/embed/embed.c src/leadq.h $(BUILD)/libleadq.a
	$(CC) -std=c11 $(CFLAGS) $(SAN) -Wall -Wextra -Werror -Isrc -o $@ $< $(BUILD)/libleadq.a $(LDLIBS)

# embed writes exactly what `leadq run` writes, for the bundled rules and leads.
test-embed: $(BUILD)/embed $(BUILD)/leadq
	$(BUILD)/embed --now 2026-11-22 rules/acme.lq < examples/sample.ndjson > $(BUILD)/embed.out
	$(BUILD)/leadq run --now 2026-11-22 rules/acme.lq examples/sample.ndjson > $(BUILD)/run.out
	cmp $(BUILD)/embed.out $(BUILD)/run.out
	@echo "embed writes the bytes leadq run writes ($$(wc -l < $(BUILD)/run.out) decisions)"

# The public header is valid C++ (extern "C", no C++ keyword as a name).
test-header-cxx: tests/unit/api_header.cc src/leadq.h
	g++ -x c++ -std=c++11 -Wall -Wextra -Werror -Isrc -fsyntax-only tests/unit/api_header.cc

# With more than one worker, Criterion's runner (libcriterion 2.4) now and
# then leaks a 48-byte object of its own, which LeakSanitizer reports at exit;
# on one worker it does not, and leaks in our code are still caught per test.
UNIT_JOBS := $(if $(SAN),1,2)

test: deps-test $(BUILD)/leadq $(BUILD)/unit-tests $(BUILD)/e2e-tests $(BUILD)/embed
	$(BUILD)/unit-tests --jobs $(UNIT_JOBS)
	LEADQ=$(abspath $(BUILD)/leadq) GOLDEN=$(abspath tests/golden) $(BUILD)/e2e-tests --jobs 2
	$(BUILD)/leadq test -q rules/*.lq
	$(BUILD)/leadq fmt --check rules/*.lq rules/shared/*.lq
	$(BUILD)/leadq check --strict rules/*.lq
	$(MAKE) --no-print-directory test-embed test-header-cxx
	@echo "all tests passed ($(if $(SAN),sanitized,plain) build)"

# The end-to-end suite again, every leadq run under valgrind: any memory error
# or leak changes the exit status (99) or stderr, so the case fails. Valgrind
# cannot start without a standard error, so a case that closes it runs bare.
test-valgrind: deps-test $(BUILD)/leadq $(BUILD)/e2e-tests
	$(call need,valgrind)
	@printf '#!/bin/sh\ntrue >&2 || exec "%s" "$$@"\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect "%s" "$$@"\n' \
	  "$(abspath $(BUILD)/leadq)" "$(abspath $(BUILD)/leadq)" > $(BUILD)/leadq-valgrind && chmod +x $(BUILD)/leadq-valgrind
	LEADQ=$(abspath $(BUILD)/leadq-valgrind) GOLDEN=$(abspath tests/golden) $(BUILD)/e2e-tests --jobs 2
	@echo "end-to-end suite clean under valgrind"

demo: all $(BUILD)/leadgen
	@echo "== rules/acme.lq on examples/sample.ndjson (decisions) =="
	$(BUILD)/leadq run --now 2026-11-22 rules/acme.lq examples/sample.ndjson | head -n 5
	@echo "== who works them: the leads routed to a person (rules/tables/), as a CRM import =="
	$(BUILD)/leadq run --now 2026-11-22 --output csv rules/acme.lq examples/sample.ndjson | cut -d, -f1,4,6,7 | grep -v ',nurture,\|,,$$'
	@echo "== the same leads, counted =="
	$(BUILD)/leadq run --now 2026-11-22 --stats rules/acme.lq examples/sample.ndjson >/dev/null
	@echo "== only the SQLs, annotated =="
	$(BUILD)/leadq run --now 2026-11-22 --stage SQL --annotate rules/acme.lq examples/sample.ndjson | head -n 2
	@echo "== why one lead is not an MQL =="
	$(BUILD)/leadq explain --now 2026-11-22 --lead L000029 rules/acme.lq examples/sample.ndjson | sed -n '/why not/,$$p'
	@echo "== a CRM export (CSV) to a CRM import file (CSV) =="
	$(BUILD)/leadq run --now 2026-11-22 --id-field 'Record ID' --output csv examples/crm.lq examples/crm-export.csv | head -n 4
	@echo "== the closed loop: rules/acme.lq against 5,000 leads whose outcomes are known =="
	$(BUILD)/leadgen -n 5000 -s 11 --history | $(BUILD)/leadq report --now 2026-11-22 --outcome 'won == true' rules/acme.lq | sed -n '/^Rules/,/^$$/p'

bench: deps-bench $(BUILD)/leadq $(BUILD)/leadgen $(BUILD)/bench-hand $(BUILD)/peakrss
	LEADQ=$(BUILD)/leadq GEN=$(BUILD)/leadgen HAND=$(BUILD)/bench-hand PEAK=$(BUILD)/peakrss bash tests/bench/run.sh

# libFuzzer harnesses (clang, Debian's libclang-rt-14-dev), each run for FUZZ_SECONDS
# from its seed corpus in tests/fuzz/corpus/; new inputs go to build/fuzz/corpus/.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB     = $(LIB_SRC) build/gen/leadq.tab.c build/gen/lex.yy.c
build/fuzz/%: tests/fuzz/%.c $(LIB_SRC) build/gen/leadq.tab.c build/gen/lex.yy.c
	@mkdir -p $(@D)
	clang $(STD) $(FUZZ_CFLAGS) -Wno-unused-function -Isrc -Ibuild/gen -o $@ $< $(FUZZ_LIB) $(LDLIBS)

fuzz: build/fuzz/fuzz_rules build/fuzz/fuzz_leads build/fuzz/fuzz_feed
	@for h in rules leads feed; do \
	  mkdir -p build/fuzz/corpus/$$h; \
	  echo "== fuzz_$$h for $(FUZZ_SECONDS)s"; \
	  build/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -artifact_prefix=build/fuzz/ build/fuzz/corpus/$$h tests/fuzz/corpus/$$h || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/leadq $(DESTDIR)$(PREFIX)/bin/leadq
	install -m 644 docs/leadq.1 $(DESTDIR)$(PREFIX)/share/man/man1/leadq.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/leadq $(DESTDIR)$(PREFIX)/share/man/man1/leadq.1

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d)
