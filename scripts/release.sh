#!/usr/bin/env bash
# Build the release binaries of mailsync: static (CGO_ENABLED=0), reproducible
# paths (-trimpath), stripped, with the version stamped into main.version.
#
#   usage: scripts/release.sh [VERSION]
#
#   VERSION   defaults to $VERSION, else `git describe --tags --always --dirty`
#   ARCHES    Linux architectures to build (default: "amd64 arm64")
#   DIST      output directory (default: dist, relative to the repository)
#
# Writes DIST/mailsync-VERSION-linux-ARCH for each architecture and
# DIST/mailsync-VERSION-SHA256SUMS (sha256sum format; check with
# `cd dist && sha256sum -c mailsync-VERSION-SHA256SUMS`).
set -euo pipefail

export PATH="$PATH:/usr/local/go/bin"
cd "$(dirname "$0")/.."

log() { printf 'release: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

version=${1:-${VERSION:-}}
if [ -z "$version" ]; then
  version=$(git describe --tags --always --dirty 2>/dev/null) ||
    die "no VERSION given and git describe failed (not a git checkout?)"
fi
# The version becomes part of file names: keep it to a safe alphabet.
[[ "$version" =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] ||
  die "VERSION '$version' may only contain letters, digits and . _ + -"

arches=${ARCHES:-amd64 arm64}
dist=${DIST:-dist}
command -v go >/dev/null 2>&1 || die "go not found"
mkdir -p "$dist"

files=()
for arch in $arches; do
  out="mailsync-$version-linux-$arch"
  log "building $dist/$out"
  CGO_ENABLED=0 GOOS=linux GOARCH="$arch" go build -trimpath \
    -ldflags "-s -w -X main.version=$version" \
    -o "$dist/$out" ./cmd/mailsync
  if command -v file >/dev/null 2>&1; then
    info=$(file -b "$dist/$out")
    case "$info" in
      *"statically linked"*) ;;
      *) die "$dist/$out is not statically linked: $info" ;;
    esac
  fi
  files+=("$out")
done

sums="mailsync-$version-SHA256SUMS"
(cd "$dist" && sha256sum -- "${files[@]}" >"$sums.tmp" && mv -f -- "$sums.tmp" "$sums")
log "wrote $dist/$sums"
(cd "$dist" && cat -- "$sums")
