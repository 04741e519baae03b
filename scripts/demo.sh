#!/usr/bin/env bash
# A tour of mailsync on two small local mbox stores (testdata/demo), in a fresh
# temporary HOME: list a store, list it with -m, diff a store against the channel,
# synchronise, synchronise again (nothing to do), and show the result; then the
# opt-in "flags sync": a message read on the laptop is marked read on the server.
# Needs no server and no root.
#
#   usage: scripts/demo.sh [PATH-TO-MAILSYNC]    (default: bin/mailsync)
#   KEEP=1 keeps the temporary HOME for a look around afterwards.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/bin/mailsync}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
if [ ! -x "$bin" ]; then
  echo "demo: $bin not found; run 'make build' first (or 'make demo')" >&2
  exit 1
fi

demo_home=$(mktemp -d "${TMPDIR:-/tmp}/mailsync-demo.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then
  trap 'echo; echo "(demo HOME kept: $demo_home)"' EXIT
else
  trap 'rm -rf -- "$demo_home"' EXIT
fi

# A clean environment: mailsync reads its config and mail relative to $HOME.
export HOME=$demo_home
export USER=${USER:-$(id -un)}
export LC_ALL=C TZ=UTC
cp -R "$top/testdata/demo/laptop" "$top/testdata/demo/server" "$HOME/"
cp "$top/testdata/demo/mailsync.conf" "$HOME/.mailsync"
chmod -R u+w "$HOME"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$1" "$plain"; }
run() {
  # Print the command as a user would type it, then run it.
  printf '$ %s\n' "$*"
  local rc=0
  (cd "$HOME" && "$@") || rc=$?
  [ "$rc" -eq 0 ] || printf '(exit status %d)\n' "$rc"
}
mailsync() { "$bin" "$@"; }

echo "demo HOME is $HOME"
step "the configuration (~/.mailsync)"
run cat .mailsync

step "list the boxes of a store"
run mailsync laptop

step "list a store with its messages (-m); listing changes nothing"
run mailsync -m server

step "diff mode: what changed in a store since the last sync (none yet)"
run mailsync demo laptop

step "synchronise the channel"
run mailsync demo

step "synchronise again: nothing left to do"
run mailsync demo

step "the result: both stores hold the same messages"
run mailsync -m laptop
run mailsync -m server

step "the sync state (~/.msinfo): per box, the Message-IDs both stores held after the sync"
run cat .msinfo

step "opt-in: flags that follow the message (the channel line 'flags sync')"
run sed -i 's/^\tmsinfo\t\.msinfo$/&\n\tflags\tsync/' .mailsync
run sed -n '/^channel/,/^}/p' .mailsync
# Read an unread message on the laptop, as a mail reader marks it: Status: RO.
echo '(reading "Photos from the trip to Zürich" in laptop/inbox: a mail reader adds "Status: RO")'
awk '/^Message-ID: <e1f0c9a2-7b43-4c1e-9d55-2a8f6b1c0e77@example.org>$/ { print; print "Status: RO"; next } { print }' \
  "$HOME/laptop/inbox" > "$HOME/inbox.new"
mv "$HOME/inbox.new" "$HOME/laptop/inbox"
run mailsync -m demo
step "synchronise again: the flags agree, nothing left to do"
run mailsync demo
