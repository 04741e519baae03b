// Package memory implements store.Store and store.Mailbox in memory, for
// tests of the sync engine and as the reference backend of the storetest
// conformance suite.
//
// The hierarchy delimiter is '/'. A mailbox holds messages in wire form
// (CRLF line ends) with flags, an internal date and a key that stays
// valid for the life of the mailbox, like an IMAP UID. Create records the
// missing parent folders of a name as not selectable folders, listed as a
// local store lists directories: "dir", or "dir/" for a pattern ending in
// it ("dir/%").
//
// Besides the interfaces, a Store offers helpers for tests: Put and
// Folder to set up mailboxes without going through Open, Boxes and
// Contents to inspect the result, and FailAfter and Mutations to inject
// failures into mutating calls. A Store is safe for concurrent use.
package memory
