# leadq: build, test, demo, bench, install.  `make help` lists the targets.
CC      ?= cc
CFLAGS  ?= -O2 -g
DESTDIR ?=

# Where `make install` puts things (GNU names, upper case like PREFIX; each can
# be set on the command line: make install PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu).
PREFIX      ?= /usr/local
EXEC_PREFIX ?= $(PREFIX)
BINDIR      ?= $(EXEC_PREFIX)/bin
LIBDIR      ?= $(EXEC_PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
VIMDIR      ?= $(DATADIR)/vim/vimfiles
DOCDIR      ?= $(DATADIR)/doc/leadq

# The version is the command's (src/cli/main.c); the man pages' date is leadq(1)'s.
VERSION := $(shell sed -n 's/^\#define LEADQ_VERSION "\(.*\)"/\1/p' src/cli/main.c)
MANDATE := $(shell sed -n 's/^\.TH LEADQ 1 "\([^"]*\)".*/\1/p' docs/leadq.1)
# The shared library: its soname changes only when the ABI breaks.
SONAME   = libleadq.so.1
SOFILE   = libleadq.so.1.0.0

# `make` alone builds the command and the library (the first rule below is not a goal).
.DEFAULT_GOAL := all

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
# The library's objects are position-independent, for libleadq.so; libleadq.a
# and the command's libleadq-internal.a are made of the same ones. The library's own calls
# need not go through the PLT: it exports only leadq_* (src/leadq.map), and an
# interposed name must not change what the library does inside.
$(LIB_OBJ): PIC = -fPIC -fno-semantic-interposition
# Recompiled when the compiler or its flags change (objects made before they
# were PIC cannot go into the .so).
$(LIB_OBJ): $(BUILD)/obj/lib.flags
$(BUILD)/obj/lib.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(STD) $(CFLAGS) $(SAN) $(PIC)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
CLI_OBJ  = $(CLI_SRC:src/cli/%.c=$(BUILD)/obj/cli/%.o)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_OBJ = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/obj/unit/%.o)

# Debian packages each target needs; `make deps-*` installs the missing ones.
PKGS_BUILD = gcc make flex bison libcjson-dev zlib1g-dev libxxhash-dev
PKGS_TEST  = libcriterion-dev jq chromium python3-xxhash g++ python3-dask python3-distributed
PKGS_BENCH = jq libsimdjson-dev g++
# The language reference's man page is made from docs/language.md by pandoc.
PKGS_DOC   = pandoc
# What tests/install.sh checks an installed tree with.
PKGS_INSTALLTEST = man-db groff-base pkg-config binutils

.PHONY: all test test-embed test-header-cxx test-valgrind test-install test-editors test-dask unit golden demo bench fuzz man install uninstall clean help \
  deps-build deps-test deps-bench deps-doc FORCE
all: deps-build $(BUILD)/leadq $(BUILD)/libleadq.a $(BUILD)/libleadq.so $(BUILD)/leadq.pc

help:
	@echo "make            build $(BUILD)/leadq, libleadq.a, libleadq.so and leadq.pc"
	@echo "make demo       run the bundled rules on the bundled leads"
	@echo "make test       unit tests and end-to-end golden tests"
	@echo "make test SANITIZE=1   the same under AddressSanitizer and UBSan"
	@echo "make test-valgrind     the end-to-end suite with every run under valgrind"
	@echo "make test-editors      the bash completion and editor syntax files (part of make test)"
	@echo "make test-install      make install into a scratch folder, checked (part of make test)"
	@echo "make test-dask         leadq over a Dask cluster of 2 worker processes (part of make test)"
	@echo "make bench      throughput and memory against jq and hand-written C"
	@echo "make fuzz       run each libFuzzer harness for FUZZ_SECONDS (default 60)"
	@echo "make man        the language reference's man page, $(BUILD)/leadq-rules.5"
	@echo "make install    install leadq, its library, man pages, completion and editor files"
	@echo "                (PREFIX=$(PREFIX), DESTDIR, BINDIR, LIBDIR...; README.md, Install)"
	@echo "make uninstall  remove what make install installed (same variables)"

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
deps-doc: ; $(call need,$(PKGS_DOC))

$(BUILD)/gen/leadq.tab.c $(BUILD)/gen/leadq.tab.h: grammar/leadq.y
	@mkdir -p $(@D)
	bison -Wall -Werror -d -o $(BUILD)/gen/leadq.tab.c $<

$(BUILD)/gen/lex.yy.c: grammar/leadq.l $(BUILD)/gen/leadq.tab.h
	@mkdir -p $(@D)
	flex -o $@ $<

$(BUILD)/obj/leadq.tab.o: $(BUILD)/gen/leadq.tab.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(SAN) $(PIC) $(GENWARN) $(DEPFLAGS) $(INCLUDES) -c -o $@ $<

$(BUILD)/obj/lex.yy.o: $(BUILD)/gen/lex.yy.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(SAN) $(PIC) $(GENWARN) $(DEPFLAGS) $(INCLUDES) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c $(BUILD)/gen/leadq.tab.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(SAN) $(PIC) $(WARN) $(DEPFLAGS) $(INCLUDES) -c -o $@ $<

# The unit tests that run the command use this build's binary (LQ_TEST_LEADQ).
$(BUILD)/obj/unit/%.o: tests/unit/%.c $(BUILD)/gen/leadq.tab.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(SAN) $(WARN) -Wno-missing-prototypes $(DEPFLAGS) $(INCLUDES) \
	  -DLQ_TEST_LEADQ='"$(abspath $(BUILD)/leadq)"' -DLQ_TEST_EMBED='"$(abspath $(BUILD)/embed)"' -c -o $@ $<

# The command and the unit tests link every module (libleadq-internal.a). The
# libleadq.a that is installed is the same code as one object whose only
# global names are leadq_*, as the .so's: a program linking it statically can
# have its own lq_* or yy* names without a clash.
$(BUILD)/libleadq-internal.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/libleadq.a: $(LIB_OBJ)
	ld -r -o $(BUILD)/obj/libleadq-all.o $(LIB_OBJ)
	objcopy --wildcard --keep-global-symbol='leadq_*' $(BUILD)/obj/libleadq-all.o $(BUILD)/obj/libleadq-api.o
	rm -f $@ && ar rcs $@ $(BUILD)/obj/libleadq-api.o

# Exports only the leadq_* names of the public API (src/leadq.map).
$(BUILD)/$(SOFILE): $(LIB_OBJ) src/leadq.map
	$(CC) $(CFLAGS) $(SAN) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/leadq.map \
	  $(if $(SAN),,-Wl,--no-undefined) -o $@ $(LIB_OBJ) $(LDLIBS)
$(BUILD)/$(SONAME): $(BUILD)/$(SOFILE)
	ln -sf $(SOFILE) $@
$(BUILD)/libleadq.so: $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

# pkg-config's file, for the paths of this PREFIX: rewritten when they change.
# A directory under PREFIX is written ${prefix}/..., so that
# pkg-config --define-prefix (or --define-variable=prefix=) can move it.
PC_LIBDIR     = $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
PC_INCLUDEDIR = $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))
$(BUILD)/leadq.pc: src/leadq.pc.in FORCE
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(PC_LIBDIR)|g' -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|g' \
	  -e 's|@VERSION@|$(VERSION)|g' $< > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@ && echo "wrote $@ (PREFIX=$(PREFIX))"; fi

# leadq-rules(5), the language reference, from docs/language.md, its one source:
# a NAME section in place of the title line, and no table of contents (a man
# page has none), then pandoc; left-aligned, so that table cells holding long
# messages never need stretching.
$(BUILD)/leadq-rules.5: docs/language.md | deps-doc
	@mkdir -p $(@D)
	{ printf '## NAME\n\nleadq-rules \\- the leadq rules language: how to write a rules file\n\n## DESCRIPTION\n\n'; \
	  sed -e '1{/^# /d}' -e '/^- \[[^]]*\](#[^)]*)$$/d' $<; } | \
	pandoc -s -f gfm -t man --shift-heading-level-by=-1 -V adjusting=l -M title=LEADQ-RULES -M section=5 \
	  -M header='File Formats' -M footer='leadq $(VERSION)' -M date='$(MANDATE)' -o $@.tmp && mv $@.tmp $@
man: deps-doc $(BUILD)/leadq-rules.5

# `leadq help reading` prints docs/reading.md, its one source, compiled in as the C
# string reading_guide: each line quoted, with \, " and ? escaped (? so that no
# trigraph is read). Made in build/, never committed.
$(BUILD)/gen/reading.h: docs/reading.md
	@mkdir -p $(@D)
	{ echo '/* Made from docs/reading.md by the Makefile; do not edit. */'; \
	  echo 'static const char reading_guide[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/  "/' -e 's/$$/\\n"/' $<; \
	  echo '  "";'; } > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/cli/main.o: $(BUILD)/gen/reading.h

$(BUILD)/leadq: $(CLI_OBJ) $(BUILD)/libleadq-internal.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

# Some unit tests run the command and the embed example: they are built first.
$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libleadq-internal.a | $(BUILD)/leadq $(BUILD)/embed
	$(CC) $(CFLAGS) $(SAN) -o $@ $(UNIT_OBJ) $(BUILD)/libleadq-internal.a $(LDLIBS) -lcriterion

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
# The parsing limit (tests/bench/simdjson_parse.cc): Debian's simdjson, C++.
$(BUILD)/bench-simdjson: tests/bench/simdjson_parse.cc
	$(CXX) -std=c++17 $(CFLAGS) -o $@ $< -lsimdjson
$(BUILD)/peakrss: tests/bench/peakrss.c
	$(CC) $(STD) $(CFLAGS) $(WARN) -o $@ $<

# examples/embed, the library's first outside client. tests/install.sh builds
# it as an embedder does, with pkg-config against a DESTDIR install, shared and
# static; this build of it, against the tree, is for the unit tests and the
# sanitized run (which does not install).
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

test: deps-test $(BUILD)/leadq $(BUILD)/unit-tests $(BUILD)/e2e-tests $(BUILD)/embed $(BUILD)/leadgen
	tests/include_graph.sh src $(BUILD)/obj
	$(BUILD)/unit-tests --jobs $(UNIT_JOBS)
	LEADQ=$(abspath $(BUILD)/leadq) GOLDEN=$(abspath tests/golden) $(BUILD)/e2e-tests --jobs 2
	$(BUILD)/leadq test -q rules/*.lq
	$(BUILD)/leadq fmt --check rules/*.lq rules/shared/*.lq
	$(BUILD)/leadq check --strict rules/*.lq
	bash tests/completion.sh $(BUILD)/leadq
	bash tests/editors.sh
	$(MAKE) --no-print-directory test-embed test-header-cxx test-dask
	$(if $(SAN),@echo "test-install: skipped in the sanitized build (what it installs is the plain build)",$(MAKE) --no-print-directory test-install)
	@echo "all tests passed ($(if $(SAN),sanitized,plain) build)"

# The completion and the editor syntax files against the command and the lexer.
test-editors: $(BUILD)/leadq
	bash tests/completion.sh $(BUILD)/leadq
	bash tests/editors.sh

# docs/scaling.md's Dask recipe on a LocalCluster of 2 worker processes: the
# joined output of the partitions is one run's. Debian's python3-dask is for
# its python3, which a python3 earlier on PATH (pyenv, a venv) may not see.
test-dask: deps-test $(BUILD)/leadq $(BUILD)/leadgen
	/usr/bin/python3 tests/dask-cluster.py $(BUILD)/leadq $(BUILD)/leadgen

# make install into a scratch folder, the installed tree checked, then uninstall.
test-install: all deps-doc
	$(call need,$(PKGS_INSTALLTEST))
	MAKE='$(MAKE)' bash tests/install.sh

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

bench: deps-bench $(BUILD)/leadq $(BUILD)/leadgen $(BUILD)/bench-hand $(BUILD)/peakrss $(BUILD)/bench-simdjson
	LEADQ=$(BUILD)/leadq GEN=$(BUILD)/leadgen HAND=$(BUILD)/bench-hand PEAK=$(BUILD)/peakrss SIMD=$(BUILD)/bench-simdjson \
	  bash tests/bench/run.sh

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

# What `make install` puts where (README.md, Install).
VIMFILES = syntax/leadq.vim ftdetect/leadq.vim
INSTALLED = $(BINDIR)/leadq \
  $(LIBDIR)/$(SOFILE) $(LIBDIR)/$(SONAME) $(LIBDIR)/libleadq.so $(LIBDIR)/libleadq.a \
  $(INCLUDEDIR)/leadq.h $(PKGCONFIGDIR)/leadq.pc \
  $(MANDIR)/man1/leadq.1 $(MANDIR)/man5/leadq-rules.5 \
  $(BASHCOMPDIR)/leadq $(VIMFILES:%=$(VIMDIR)/%) $(DATADIR)/leadq/leadq.tmLanguage.json \
  $(DOCDIR)/report.md $(DOCDIR)/scaling.md

install: all deps-doc $(BUILD)/leadq-rules.5
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR) \
	  $(DESTDIR)$(VIMDIR)/syntax $(DESTDIR)$(VIMDIR)/ftdetect $(DESTDIR)$(DATADIR)/leadq \
	  $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 $(BUILD)/leadq $(DESTDIR)$(BINDIR)/leadq
	install -m 755 $(BUILD)/$(SOFILE) $(DESTDIR)$(LIBDIR)/$(SOFILE)
	ln -sf $(SOFILE) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libleadq.so
	install -m 644 $(BUILD)/libleadq.a $(DESTDIR)$(LIBDIR)/libleadq.a
	install -m 644 src/leadq.h $(DESTDIR)$(INCLUDEDIR)/leadq.h
	install -m 644 $(BUILD)/leadq.pc $(DESTDIR)$(PKGCONFIGDIR)/leadq.pc
	install -m 644 docs/leadq.1 $(DESTDIR)$(MANDIR)/man1/leadq.1
	install -m 644 $(BUILD)/leadq-rules.5 $(DESTDIR)$(MANDIR)/man5/leadq-rules.5
	install -m 644 docs/completion/leadq.bash $(DESTDIR)$(BASHCOMPDIR)/leadq
	install -m 644 docs/editors/vim/syntax/leadq.vim $(DESTDIR)$(VIMDIR)/syntax/leadq.vim
	install -m 644 docs/editors/vim/ftdetect/leadq.vim $(DESTDIR)$(VIMDIR)/ftdetect/leadq.vim
	install -m 644 docs/editors/leadq.tmLanguage.json $(DESTDIR)$(DATADIR)/leadq/leadq.tmLanguage.json
	install -m 644 docs/report.md docs/scaling.md $(DESTDIR)$(DOCDIR)

# Removes the files install wrote, and the two folders only leadq uses when
# they are empty; no other folder: those may be shared with other packages.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR)/leadq $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d)
