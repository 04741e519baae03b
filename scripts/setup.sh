#!/usr/bin/env bash
# Install what the build, the tests, the demo and the benchmark need, when it is
# missing. Idempotent: a second run only checks and returns within a second or two.
#
#   Debian packages: mailsync (the reference 5.2.7), dovecot-imapd (IMAP tests),
#                    isync (mbsync, for benchmarks), time (GNU time: peak RSS in
#                    benchmarks), groff-base and man-db (man page), python3 (its
#                    mailbox module reads the flags the Maildir and MH tests write)
#   test accounts:   as root only: mailsync-difftest, the unprivileged user the
#                    differential tests run 5.2.7 and the clone as (internal/difftest,
#                    internal/testservers), and mailsync-dovecot, the system account
#                    that owns the test Dovecot's mail (internal/dovecot)
#   Go modules:      go mod download
#   staticcheck:     honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION into
#                    $TOOLS_BIN (default ~/.cache/mailsync/bin)
#   test servers:    Cyrus IMAP and Courier-IMAP, unpacked (not installed: they
#                    conflict with dovecot-imapd) into $MAILSYNC_SERVERS_DIR (default
#                    ~/.cache/mailsync/servers); see scripts/servers.sh
#
# As root (CI) apt-get is used directly; as another user through `sudo -n` when that
# works, otherwise the packages are skipped with a warning (the tests that need them
# then skip themselves, or fail under the MAILSYNC_REQUIRE_* switches make test sets).
set -euo pipefail

STATICCHECK_VERSION=${STATICCHECK_VERSION:-v0.8.2}
TOOLS_BIN=${TOOLS_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/mailsync/bin}
APT_PACKAGES=(mailsync dovecot-imapd isync groff-base man-db time python3)

export PATH="/usr/local/go/bin:$PATH"
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      sudo=(skip)
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "WARNING: apt-get not found; not installing: ${missing[*]}"
  elif [ "${sudo[0]:-}" = skip ]; then
    log "WARNING: not root and no password-less sudo; not installing: ${missing[*]}"
    log "         tests that need these packages will be skipped"
  else
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq </dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "${missing[@]}" </dev/null >/dev/null
  fi
fi

# --- The tests' accounts -------------------------------------------------------------
# go test never creates users or installs packages (doc/design/testing.md). As root,
# the differential tests run both binaries as mailsync-difftest, and the test Dovecot's
# mail belongs to mailsync-dovecot (Dovecot refuses root as the mail owner).
if [ "$(id -u)" -eq 0 ]; then
  if ! id mailsync-difftest >/dev/null 2>&1; then
    log "creating the user mailsync-difftest"
    useradd -M -s /usr/sbin/nologin mailsync-difftest
  fi
  if ! id mailsync-dovecot >/dev/null 2>&1; then
    log "creating the system account mailsync-dovecot"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --comment "mailsync test Dovecot mail owner" mailsync-dovecot
  fi
fi

# --- Go modules ------------------------------------------------------------------
command -v go >/dev/null 2>&1 || { log "ERROR: go not found (expected /usr/local/go/bin)"; exit 1; }
go mod download

# --- staticcheck -----------------------------------------------------------------
have=""
if [ -x "$TOOLS_BIN/staticcheck" ]; then
  have=$("$TOOLS_BIN/staticcheck" -version 2>/dev/null || true)
fi
case "$have" in
  *"(${STATICCHECK_VERSION#v})"*) ;; # prints e.g. "staticcheck 2026.2.2 (0.8.2)"
  *)
    log "installing staticcheck ${STATICCHECK_VERSION} into $TOOLS_BIN"
    mkdir -p "$TOOLS_BIN"
    # Outside the module, so that go.mod/go.sum stay untouched.
    (cd / && GOBIN="$TOOLS_BIN" go install \
      "honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}")
    ;;
esac

# --- Cyrus and Courier for the tests (unpacked, never installed) -----------------
bash scripts/servers.sh
