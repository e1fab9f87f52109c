# masthead — a news-publishing server.
#
#   make run      install missing Debian packages, build, load demo content, serve :8080
#   make test     build and run every test; the last line is "N passed, N failed"
#   make          build ./masthead
#   make SANITIZE=1 test   the same tests against an ASan+UBSan build
#   make deps / make test-deps   only install what building / testing needs
#   make fuzz     build every libFuzzer target of tests/fuzz into build/fuzz
#   make fuzz-run FUZZ_TIME=30   run each target that long on a copy of its seeds

CC	?= cc
PKGS	 = libh2o-evloop jansson libsodium libbrotlienc libbrotlidec zlib sqlite3 md4c-html libpq libcurl vips expat geoip libmaxminddb
SANITIZE ?=

ifeq ($(SANITIZE),1)
BUILD	 = build/asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BIN	 = $(BUILD)/masthead
OPT	 = -O1 -g
else
BUILD	 = build/release
SANFLAGS =
BIN	 = masthead
OPT	 = -O2 -g
endif

# The libraries' flags come from pkg-config, which can only answer once
# tools/deps.sh has installed them: $(BUILD)/pkg.mk is made by a rule that
# runs deps first, and make reads it again before it builds anything.
ifeq ($(filter-out clean deps test-deps,$(MAKECMDGOALS)),)
ifneq ($(MAKECMDGOALS),)
NOPKG	 = 1
endif
endif
ifndef NOPKG
-include $(BUILD)/pkg.mk
endif

CFLAGS	+= $(OPT) -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	   -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	   -D_GNU_SOURCE -DH2O_USE_LIBUV=0 -pthread $(SANFLAGS) $(PKG_CFLAGS) -Isrc -I$(BUILD)
LDLIBS	+= $(PKG_LIBS) -lssl -lcrypto -lmd4c -lpthread -lm
LDFLAGS	+= -pthread $(SANFLAGS)

SRCS	:= $(sort $(wildcard src/*.c))
OBJS	:= $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS)) $(BUILD)/embedded.o
LIBOBJS	:= $(filter-out $(BUILD)/main.o,$(OBJS))
EMBED	:= $(sort $(wildcard migrations/*/*.sql) $(shell find themes/default demo -type f 2>/dev/null))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all run test unit deps test-deps clean demo-db screenshot fuzz fuzz-run

all: $(BIN)

$(BIN): $(OBJS)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/%.o: src/%.c | $(BUILD)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/embed: tools/embed.c | $(BUILD)
	$(CC) -O1 -o $@ $<

# The names embedded, rewritten only when they change: a file renamed or
# removed (a migration renumbered, say) keeps its old time, so the times
# of $(EMBED) alone would not rebuild embedded.c.
$(BUILD)/embed.list: FORCE | $(BUILD)
	@echo '$(EMBED)' | cmp -s - $@ || echo '$(EMBED)' > $@

FORCE:

$(BUILD)/embedded.c: $(BUILD)/embed $(EMBED) $(BUILD)/embed.list Makefile
	@echo "  EMBED   $(words $(EMBED)) files"
	@$(BUILD)/embed $@ "" $(EMBED)

$(BUILD)/embedded.o: $(BUILD)/embedded.c
	@$(CC) $(CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) | $(BUILD)
	@mkdir -p $(BUILD)/tests
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) -Wno-missing-prototypes -Itests/unit -o $@ $< $(LIBOBJS) $(LDFLAGS) $(LDLIBS) -lcmocka

$(BUILD):
	mkdir -p $(BUILD)

$(BUILD)/pkg.mk: tools/deps.sh Makefile | $(BUILD)
	@sh tools/deps.sh
	@pkg-config --exists --print-errors $(PKGS)
	@{ echo "PKG_CFLAGS = $$(pkg-config --cflags $(PKGS))"; \
	   echo "PKG_LIBS = $$(pkg-config --libs $(PKGS))"; } > $@.tmp
	@mv $@.tmp $@

deps:
	@sh tools/deps.sh

test-deps:
	@sh tools/deps.sh test

unit: $(UNIT_BINS)

# test-deps comes first even under -j: the tests need its tools, not the build.
test:
	@$(MAKE) --no-print-directory test-deps
	@$(MAKE) --no-print-directory $(BIN) unit
	@sh tests/run.sh "$(BIN)" "$(BUILD)/tests"

data/masthead.db: | $(BIN)
	mkdir -p data
	./$(BIN) demo --db $@

run: deps $(BIN) data/masthead.db
	./$(BIN) serve --db data/masthead.db --listen 127.0.0.1:8080

# Fuzzing (tests/fuzz/README.md).  Every tests/fuzz/fuzz_NAME.c is a
# libFuzzer target, built by clang with ASan and UBSan into
# build/fuzz/fuzz_NAME, its seeds in tests/fuzz/corpus/NAME/.  FUZZ_NAME
# lists the src/ files a target links; a target without a list links
# every object of the program but main.o (libFuzzer brings its own
# main), which is what code reaching the store or libvips needs.  Only
# the objects a target uses are taken from that archive.
FUZZ_CC		?= clang
FUZZ_TIME	?= 30
FUZZ_DIR	 = build/fuzz
FUZZ_SRCS	:= $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS	:= $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRCS))
FUZZ_SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=undefined
# The warnings are the build's, less one gcc does not have: clang takes
# the adjacent string literals of a SQL table for a missing comma.
FUZZ_CFLAGS	 = -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
		   -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
		   -Wno-string-concatenation -D_GNU_SOURCE -DH2O_USE_LIBUV=0 \
		   -pthread $(PKG_CFLAGS) -Isrc -Itests/unit

FUZZ_markdown	= markdown sanitize html config escape buf util
FUZZ_sanitize	= sanitize html markdown config escape buf util
FUZZ_url	= url text buf util
FUZZ_csv	= csv text buf util
FUZZ_multipart	= multipart text
FUZZ_tpl	= tpl escape buf util
FUZZ_config	= util
FUZZ_cookie	= cookie
FUZZ_search	= search escape buf util
FUZZ_sign	= sign util
FUZZ_email	= util
FUZZ_range	= range
FUZZ_avprobe	= avprobe episode util
# fuzz_edit, fuzz_media, fuzz_import and fuzz_import_masthead have no
# list: edit.c and the importers reach the store, and through it the
# whole program; image.c needs libvips, which it brings.

FUZZ_ALL_OBJS	:= $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(filter-out src/main.c,$(SRCS))) \
		   $(FUZZ_DIR)/obj/embedded.o
fuzz_objs	 = $(if $(FUZZ_$(1)),$(patsubst %,$(FUZZ_DIR)/obj/%.o,$(FUZZ_$(1))),$(FUZZ_DIR)/libmasthead.a)

fuzz: $(FUZZ_BINS)

fuzz-run: fuzz
	@sh tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_BINS)

$(FUZZ_DIR)/obj/%.o: src/%.c
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz needs clang and \
libFuzzer: run make test-deps (tools/deps.sh test)" >&2; exit 1; }
	@mkdir -p $(FUZZ_DIR)/obj
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(BUILD) -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
	    -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/obj/embedded.o: $(BUILD)/embedded.c
	@mkdir -p $(FUZZ_DIR)/obj
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(FUZZ_DIR)/libmasthead.a: $(FUZZ_ALL_OBJS)
	@rm -f $@
	@ar rcs $@ $(FUZZ_ALL_OBJS)

.SECONDEXPANSION:
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $$(call fuzz_objs,$$*)
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(BUILD) -Wno-missing-prototypes \
	    -fsanitize=fuzzer $(FUZZ_SAN) -MMD -MP -MF $@.d -MT $@ -o $@ $< \
	    $(call fuzz_objs,$*) $(PKG_LIBS) -lssl -lcrypto -lmd4c -lpthread -lm

clean:
	rm -rf build masthead

-include $(OBJS:.o=.d) $(wildcard $(FUZZ_DIR)/obj/*.d $(FUZZ_DIR)/*.d)
