# mailsync — build, test, demo and benchmark.
#
#   make test      setup + gofmt check + go vet + staticcheck + go test (what CI runs)
#   make demo      build, then run scripts/demo.sh on the sample stores in testdata/demo
#   make bench     build, then time syncs against mailsync 5.2.7 and mbsync: local mbox (BENCH_SIZES),
#                  Dovecot -> local (BENCH_IMAP_SIZES=10000), Maildir and over a slow link (bench-wan)
#   make bench-imap  only the IMAP benchmark
#   make bench-maildir  only Maildir -> Maildir against mbsync (BENCH_MAILDIR_SIZES=20000)
#   make bench-wan  only Dovecot behind a latency relay -> local, against mbsync (doc/design/wan.md;
#                  BENCH_WAN_CASES=RTT:MESSAGESxFOLDERS,..., BENCH_WAN_BANDWIDTH=bytes/s, 0 = no cap)
#   make bench-flags  only the flag change: 1% flagged on Dovecot and 1% read locally, then the
#                  flag sync, ours ("flags sync") against mbsync (BENCH_FLAG_SIZES=10000;
#                  BENCH_FLAG_RTT=50ms runs it through a relay with that round trip)
#   make build     bin/mailsync
#   make install   PREFIX=/usr/local (DESTDIR supported)
#   make lint      gofmt check + go vet + staticcheck
#   make release   static linux/amd64 + linux/arm64 binaries and SHA256SUMS in dist/ (VERSION=... overrides git describe)

SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

GO          ?= go
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
TOOLS_BIN   ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mailsync/bin
STATICCHECK := $(TOOLS_BIN)/staticcheck
# Checks staticcheck runs (its defaults); override to narrow a local run.
STATICCHECK_CHECKS ?= inherit
TEST_TIMEOUT ?= 9m
TEST_FLAGS  ?=
BENCH_SIZES ?= 1000,5000,50000
BENCH_IMAP_SIZES ?= 10000
BENCH_MAILDIR_SIZES ?= 20000
BENCH_WAN_CASES ?= 50ms:2000x50,150ms:2000x50,50ms:5000x500
BENCH_WAN_BANDWIDTH ?= 0
BENCH_FLAG_SIZES ?= 10000
VERSION     ?=
# The man page, once the project has one; installed when the file exists.
MANPAGE     ?= doc/mailsync.1
export TOOLS_BIN BENCH_SIZES BENCH_REF_MAX BENCH_DIR BENCH_IMAP_SIZES BENCH_IMAP_REF_MAX BENCH_MAILDIR_SIZES BENCH_WAN_CASES BENCH_WAN_BANDWIDTH BENCH_FLAG_SIZES BENCH_FLAG_RTT

.PHONY: all setup test lint fmt-check vet staticcheck unit build install release demo bench bench-imap bench-maildir bench-wan bench-flags clean

all: build

setup:
	bash scripts/setup.sh

test: setup lint unit

lint: fmt-check vet staticcheck

# Go files under testdata directories are fixtures (the go tool ignores them too).
fmt-check:
	@out=$$(find . -type d \( -name testdata -o -name .git -o -name bin \) -prune \
	  -o -type f -name '*.go' -print0 | xargs -0 -r gofmt -l); \
	if [ -n "$$out" ]; then echo "gofmt wants to change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	@[ -x $(STATICCHECK) ] || bash scripts/setup.sh
	$(STATICCHECK) -checks '$(STATICCHECK_CHECKS)' ./...

# In CI (and make test) the Dovecot, Cyrus, Courier, groff and man tests must run, never skip.
unit:
	MAILSYNC_REQUIRE_DOVECOT=1 MAILSYNC_REQUIRE_SERVERS=1 MAILSYNC_REQUIRE_TOOLS=1 $(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(TEST_FLAGS) ./...

build:
	$(GO) build -o bin/mailsync ./cmd/mailsync

install: build
	install -D -m 0755 bin/mailsync $(DESTDIR)$(BINDIR)/mailsync
	if [ -f $(MANPAGE) ]; then install -D -m 0644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man1/mailsync.1; fi

demo: build
	bash scripts/demo.sh bin/mailsync

bench: build
	$(GO) run ./internal/bench/cmd/mailsync-bench -mailsync bin/mailsync -sizes $(BENCH_SIZES) -imap-sizes $(BENCH_IMAP_SIZES) -maildir-sizes $(BENCH_MAILDIR_SIZES) -wan-cases $(BENCH_WAN_CASES) -flag-sizes $(BENCH_FLAG_SIZES)

bench-imap: build
	$(GO) run ./internal/bench/cmd/mailsync-bench -mailsync bin/mailsync -sizes none -imap-sizes $(BENCH_IMAP_SIZES) -maildir-sizes none -wan-cases none -flag-sizes none

bench-maildir: build
	$(GO) run ./internal/bench/cmd/mailsync-bench -mailsync bin/mailsync -sizes none -imap-sizes none -maildir-sizes $(BENCH_MAILDIR_SIZES) -wan-cases none -flag-sizes none

bench-wan: build
	$(GO) run ./internal/bench/cmd/mailsync-bench -mailsync bin/mailsync -sizes none -imap-sizes none -maildir-sizes none -wan-cases $(BENCH_WAN_CASES) -flag-sizes none

bench-flags: build
	$(GO) run ./internal/bench/cmd/mailsync-bench -mailsync bin/mailsync -sizes none -imap-sizes none -maildir-sizes none -wan-cases none -flag-sizes $(BENCH_FLAG_SIZES)

release:
	bash scripts/release.sh $(VERSION)

clean:
	rm -rf bin dist
