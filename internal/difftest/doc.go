// Package difftest is the differential test harness of mailsync: it runs
// the original mailsync 5.2.7 (/usr/bin/mailsync, Debian package
// "mailsync") and the clone built from ./cmd/mailsync on identical copies
// of a scenario's home directory, as an unprivileged user, and compares
// their stdout, stderr, exit status, the resulting mailboxes (parsed
// semantically: headers without c-client metadata, bodies, flags) and the
// msinfo entries.
//
// Deliberate differences (doc/design/decisions.md; a scenario's Dev list
// names them by their labels, "D1" to "D27") are encoded per scenario
// step: an Adjust function turns 5.2.7's result into the result the clone
// must produce; the comparison itself is never loosened globally.
//
// Run it with
//
//	go test ./internal/difftest/
//
// after scripts/setup.sh (which installs mailsync 5.2.7 and, as root,
// creates the user mailsync-difftest that runs both binaries); as an
// ordinary user the binaries run as that user. A missing prerequisite
// skips the tests, or fails them under MAILSYNC_REQUIRE_TOOLS=1 (make
// test, CI); the tests never install anything. Select scenarios with
// -run 'TestDiff/NAME'. Environment:
//
//	MAILSYNC_DIFFTEST_SELF=1   compare 5.2.7 with itself (determinism check
//	                           of the scenarios; deviations are not applied)
//	MAILSYNC_DIFFTEST_VERBOSE=1 log 5.2.7's output of every step (with -v)
//	MAILSYNC_DIFFTEST_KEEP=1   keep the scenario directories below $TMPDIR
//
// All the code lives in _test.go files: the harness must not depend on
// the packages under test.
package difftest
