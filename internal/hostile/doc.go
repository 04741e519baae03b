// Package hostile holds the tests of what a lying or hostile IMAP server
// can make mailsync do (doc/design/trust.md): the command runs as a user
// would, against go-imap's memory server whose answers a test falsifies
// (imaptest.Options.Wrap) or against a scripted raw server, and each test
// checks that nothing outside the configured stores changed, that no local
// message was lost, the exit status and, where memory is the point, the
// peak RSS. The package has no code of its own besides this comment.
package hostile
