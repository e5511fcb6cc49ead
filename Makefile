# Moka — plain GNU Makefile. Debian packages through pkg-config.
#   make            build build/moka
#   make run        install what is missing, build, create ./data with a demo company, serve
#   make test       unit tests (cmocka), end-to-end tests (node:test) against the real binary,
#                   and browser tests (tests/web: playwright-core driving Debian's chromium)
#   make check      the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      benchmarks under bench/
#   make lint       banned functions, clang-format check
#   make install    install the binary under $(DESTDIR)$(PREFIX)/bin

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libsodium gdlib libmagic zlib
WERROR  ?=
SANITIZE ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2 -Wvla
HARDEN  := -fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=2 -fno-strict-overflow
OPT     ?= -O2 -g
ifneq ($(SANITIZE),)
  OPT    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  HARDEN := -fPIE
  LDSAN  := -fsanitize=address,undefined
endif
ifneq ($(WERROR),)
  WARN += -Werror
endif

ALL_CFLAGS  := -std=c17 -D_GNU_SOURCE $(OPT) $(WARN) $(HARDEN) -Isrc $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now $(LDSAN) $(LDFLAGS)
LIBS        := $(PKG_LIBS) -lpthread -lm

SRC      := $(shell find src -name '*.c' | sort)
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
LIB_OBJ  := $(filter-out $(BUILD)/src/main.o,$(OBJ))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all run test check bench install clean lint deps unit e2e webtest demo-data

# The web app (web/ → build/web, whatever BUILD is; see scripts/build-web).
WEB_OUT := build/web
WEB_SRC := $(shell find web -type f 2>/dev/null) scripts/build-web scripts/build-web.mjs \
           scripts/build-web-icons.mjs

all: $(BUILD)/moka $(WEB_OUT)/index.html

$(WEB_OUT)/index.html: $(WEB_SRC)
	@scripts/build-web $(WEB_OUT)

$(BUILD)/moka: $(OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJ) $(LIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJ) $(LIBS)

deps:
	@scripts/install-deps

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-demo

unit: $(UNIT_BIN)
	@scripts/run-unit $(UNIT_BIN)

e2e: $(BUILD)/moka
	MOKA_BIN=$(abspath $(BUILD)/moka) node --test --test-concurrency=2 tests/e2e/

webtest: $(BUILD)/moka $(WEB_OUT)/index.html
	MOKA_BIN=$(abspath $(BUILD)/moka) MOKA_WEB_DIR=$(abspath $(WEB_OUT)) \
		node --test --test-concurrency=2 tests/web/

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory webtest

check: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 all
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 unit
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 e2e
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 webtest

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@bench/run

install: $(BUILD)/moka
	install -D -m 0755 $(BUILD)/moka $(DESTDIR)$(PREFIX)/bin/moka

lint:
	@! grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|atoi|atol|strtok|gets)\s*\(' --include='*.c' --include='*.h' src tests \
		|| (echo "lint: banned function (see STYLE.md)"; exit 1)
	@clang-format --dry-run --Werror $(SRC) $(shell find src -name '*.h') && echo "lint: ok"

clean:
	rm -rf build build-asan

-include $(OBJ:.o=.d)
