// Package crashtest holds robustness tests of the real mailsync binary;
// it has no code of its own outside its tests. Package testbin builds
// cmd/mailsync once per test process; each test runs it with os/exec in a
// home directory of its own (on /dev/shm when available) and checks what
// it left on disk.
//
// What is tested:
//
//   - kill -9 at random moments of a 5,000-message sync, local→local
//     (mbox ↔ Maildir++) and Dovecot→local, then a rerun: nothing that
//     existed before is missing from both sides unless the plan deleted
//     it, nothing is duplicated, every mbox parses, no lock or temporary
//     file blocks the next run (a stale lock is reported and taken over),
//     and the rerun ends in the state of an uninterrupted run. The random
//     moments are seeded; the seed is logged and printed with any failure
//     (CRASHTEST_SEED=N repeats a run, CRASHTEST_KILLS=N changes the
//     number of kills).
//   - concurrency: a second run on the same msinfo refuses
//     (doc/design/decisions.md#d9-msinfo-safety); a mail client simulated
//     in the test (mutt's dotlock plus fcntl locks, appending mail and
//     rewriting Status: headers) works on an mbox while mailsync syncs it,
//     and every change of either survives.
//   - flag rewrites of an mbox (doc/design/mbox.md, "Flag rewrites"), at
//     the store level, in a child process (this test binary again,
//     flagchild_test.go): kill -9 while a 30 MB mbox is rewritten leaves
//     the old or the new file, byte for byte (read by Python's mailbox
//     module too); a simulated mutt working on the box while a session
//     has flags pending loses none of its changes, nor the session's.
//   - server faults through a fault-injecting IMAP proxy in front of a
//     private Dovecot (internal/dovecot): connection reset, NO [OVERQUOTA]
//     and NO [TRYCREATE] on APPEND, BYE in the middle of a command,
//     malformed responses, and a stalled server stopped by SIGINT or
//     SIGTERM, or given up by the stall watchdog when no signal comes
//     (MAILSYNC_TEST_STALL shortens its two minutes).
//
// The kill tests fail when a rerun takes a leftover of the killed run (a
// dotlock, an expunge's temp file) for a mailbox.
//
// Temporary files, the Dovecot server's mail included, live on /dev/shm
// when it exists (TMPDIR is pointed there): the whole package takes
// about 45-60 s on two CPUs.
package crashtest
