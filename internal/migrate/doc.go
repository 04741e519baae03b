// Package migrate holds only tests: end-to-end migrations through the
// mailsync binary. One corpus of mailboxes travels mbox → Maildir → IMAP
// (a private Dovecot) → MH → mbox, one channel per hop, and every message
// is checked at every hop for its bytes, its flags and its internal date;
// a second run of every channel must do nothing. The example
// configurations of the migration guide, doc/migration.md (testdata/migrate), are
// run the same way.
//
// What "identical" means, per format, is written down once in
// expect_test.go; what each format cannot keep is listed there too.
package migrate
