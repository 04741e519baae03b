package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// release is the version of this mailsync's source: raised with every
// release (tag vRELEASE), so that a build from the module proxy or a
// checkout names a release rather than a pseudo-version.
const release = "1.0.0"

// replaces names the program this mailsync is a drop-in replacement for:
// the version every difference in the documentation is measured against.
const replaces = "mailsync 5.2.7 (as packaged by Debian, 5.2.7-3.1)"

// version is the build's own name when it differs from the release, set
// with -ldflags "-X main.version=VERSION" (make release: git describe).
var version = ""

// versionText is --version's output: "mailsync RELEASE", the build when
// it is not exactly the release, and what it replaces.
func versionText() string {
	s := "mailsync " + release
	if b := buildName(); b != "" && strings.TrimPrefix(b, "v") != release {
		s += " (build " + b + ")"
	}
	return fmt.Sprintf("%s\nreplaces %s\n", s, replaces)
}

// buildName is the stamped version, else the module version of a build
// from a tagged release (go install ...@vX.Y.Z); "" for other builds,
// whose pseudo-versions name no release.
func buildName() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" || isPseudo(bi.Main.Version) {
		return ""
	}
	return bi.Main.Version
}

// isPseudo reports whether v is a Go pseudo-version
// (vX.Y.Z-[0.]yyyymmddhhmmss-abcdefabcdef).
func isPseudo(v string) bool {
	parts := strings.Split(v, "-")
	if len(parts) < 3 {
		return false
	}
	rev, ts := parts[len(parts)-1], parts[len(parts)-2]
	ts = ts[strings.LastIndexByte(ts, '.')+1:]
	return len(rev) == 12 && len(ts) == 14
}
