// Package testservers runs private Cyrus IMAP 3.6 and Courier-IMAP 5
// servers on 127.0.0.1 for tests, next to the Dovecot of package dovecot,
// so that the store conformance suite and CLI scenarios meet the three
// IMAP servers mailsync users meet most (doc/design/servers.md).
//
// In a test:
//
//	s := testservers.Start(t, testservers.Cyrus) // stopped in t.Cleanup
//	spec := "{" + s.Addr() + "/notls/user=" + s.User + "}"
//	st, err := imap.Dial(ctx, spec, imap.Options{Passwd: s.Password})
//
// The servers are Debian's packages, unpacked (never installed: they
// conflict with dovecot-imapd) by scripts/servers.sh, which make setup
// runs, into TreeDir. A server runs as root in new mount and pid
// namespaces (unshare): the unpacked usr/ is mounted over /usr, so the
// programs find their compiled-in paths and libraries; Courier also gets a
// private /etc (its authdaemonrc, userdb and a "courier" account, which
// its STARTTLS needs) and /run. Mail files belong to the unprivileged
// account "nobody". Every process of an instance lives in its pid
// namespace, so Stop (SIGKILL to unshare, which kills the namespace's
// init) ends all of them, gam_server and authdaemond included; the kernel
// does the same when the test process dies (parent-death signal).
//
// Each server has a plain port offering STARTTLS and an implicit-TLS
// port, with a certificate signed by a throw-away CA made in Go
// (TLSConfig trusts it). Folders are INBOX.x with separator '.', as both
// Debian defaults have it. Starting takes about 0.1 s (Courier) and
// 0.3 s (Cyrus: saslpasswd2 and its database recovery run first).
//
// Start skips the test when the tree is missing or the process is not
// root, unless MAILSYNC_REQUIRE_SERVERS=1 (RequireEnv, set by make test),
// which makes that a failure.
package testservers
