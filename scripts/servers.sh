#!/usr/bin/env bash
# Unpack Cyrus IMAP 3.6 and Courier-IMAP 5 from Debian for the test suite
# (package internal/testservers runs them). They are NOT installed: cyrus-imapd and
# courier-imap conflict with dovecot-imapd (all provide imap-server). Instead the
# packages and the libraries this machine lacks are fetched with `apt-get download`
# and unpacked with `dpkg-deb -x` into
#
#   $MAILSYNC_SERVERS_DIR/root     (default ${XDG_CACHE_HOME:-~/.cache}/mailsync/servers)
#
# No maintainer script runs, no account is made, nothing lands in /etc or /usr.
# The tests mount root/usr over /usr in a private mount namespace.
#
# Idempotent: when root/.stamp matches this script's package list it returns at once.
# Not root and no package lists: a warning, and the tests that need the servers skip
# (or fail under MAILSYNC_REQUIRE_SERVERS=1).
set -euo pipefail

DIR=${MAILSYNC_SERVERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mailsync/servers}
# The servers' own packages; their library dependencies missing here are added.
PACKAGES=(cyrus-imapd cyrus-common sasl2-bin
  courier-imap courier-base courier-authlib courier-authlib-userdb courier-authdaemon
  libcourier-unicode4 gamin libgamin0)
# Programs the tests run; each must find all its libraries once unpacked.
PROGRAMS=(usr/lib/cyrus/bin/master usr/lib/cyrus/bin/imapd usr/lib/cyrus/bin/ctl_cyrusdb
  usr/sbin/saslpasswd2 usr/sbin/couriertcpd usr/lib/courier/courier/imaplogin usr/bin/imapd
  usr/bin/couriertls usr/lib/courier/courier-authlib/authdaemond
  usr/lib/courier/courier-authlib/makedatprog usr/libexec/gam_server)
STAMP="v1 ${PACKAGES[*]}"

log() { printf 'setup: %s\n' "$*" >&2; }

if [ -f "$DIR/root/.stamp" ] && [ "$(cat "$DIR/root/.stamp")" = "$STAMP" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  log "WARNING: apt-get/dpkg-deb not found; Cyrus and Courier tests will skip"
  exit 0
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# deps PKG: its Depends (first alternative of each), package names only.
deps() {
  apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "$1" 2>/dev/null |
    awk '/^ *\|?(Pre)?Depends: [^<]/ { if (!alt) print $2; alt = ($1 ~ /^\|/) ; next } { alt = 0 }'
}

# The list: PACKAGES, then every lib* dependency (recursively) not installed here.
resolve() {
  local queue=("${PACKAGES[@]}") seen=" ${PACKAGES[*]} " p d
  local i=0
  while [ $i -lt ${#queue[@]} ]; do
    p=${queue[$i]}; i=$((i + 1))
    for d in $(deps "$p"); do
      d=${d%%:*}
      case "$d" in lib*) ;; *) continue ;; esac
      case "$seen" in *" $d "*) continue ;; esac
      seen="$seen$d "
      installed "$d" && continue
      queue+=("$d")
    done
  done
  printf '%s\n' "${queue[@]}"
}

if [ -z "$(apt-cache policy cyrus-imapd 2>/dev/null | grep Candidate: | grep -v '(none)')" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq </dev/null
  else
    log "WARNING: no apt package lists and not root; Cyrus and Courier tests will skip"
    exit 0
  fi
fi

mkdir -p "$DIR"
work=$(mktemp -d "$DIR/.unpack.XXXXXX")
trap 'rm -rf "$work"' EXIT
mapfile -t all < <(resolve)
log "unpacking Cyrus and Courier into $DIR/root (${#all[@]} packages)"
mkdir -p "$work/debs" "$work/root"
(cd "$work/debs" && apt-get download -q -o APT::Sandbox::User=root "${all[@]}" </dev/null >/dev/null)
for deb in "$work"/debs/*.deb; do
  dpkg-deb -x "$deb" "$work/root"
done
# Debian is merged-/usr: libraries packaged under /lib belong in /usr/lib, which is
# the tree the tests mount over /usr.
if [ -d "$work/root/lib" ]; then
  cp -a "$work/root/lib/." "$work/root/usr/lib/"
  rm -rf "$work/root/lib"
fi
# Everyone must be able to read the tree (the servers drop to unprivileged users).
chmod -R a+rX "$work/root"

libpath="$work/root/usr/lib/x86_64-linux-gnu:$work/root/usr/lib/courier-authlib:$work/root/usr/lib"
for prog in "${PROGRAMS[@]}"; do
  [ -x "$work/root/$prog" ] || { log "ERROR: $prog missing after unpacking"; exit 1; }
  if command -v ldd >/dev/null 2>&1; then
    missing=$(LD_LIBRARY_PATH=$libpath ldd "$work/root/$prog" 2>&1 | grep 'not found' || true)
    [ -z "$missing" ] || { log "ERROR: $prog lacks libraries: $missing"; exit 1; }
  fi
done
printf '%s\n' "$STAMP" >"$work/root/.stamp"
rm -rf "$DIR/root.old"
[ ! -d "$DIR/root" ] || mv "$DIR/root" "$DIR/root.old"
mv "$work/root" "$DIR/root"
rm -rf "$DIR/root.old"
