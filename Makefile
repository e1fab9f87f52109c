# masthead — a news-publishing server.
#
#   make run      install missing Debian packages, build, load demo content, serve :8080
#   make test     build and run every test; the last line is "N passed, N failed"
#   make          build ./masthead
#   make SANITIZE=1 test   the same tests against an ASan+UBSan build
#   make deps / make test-deps   only install what building / testing needs

CC	?= cc
PKGS	 = libh2o-evloop jansson libsodium libbrotlienc libbrotlidec zlib sqlite3 md4c-html libpq libcurl vips
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

.PHONY: all run test unit deps test-deps clean demo-db screenshot

all: $(BIN)

$(BIN): $(OBJS)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/%.o: src/%.c | $(BUILD)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/embed: tools/embed.c | $(BUILD)
	$(CC) -O1 -o $@ $<

$(BUILD)/embedded.c: $(BUILD)/embed $(EMBED) Makefile
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

clean:
	rm -rf build masthead

-include $(OBJS:.o=.d)
