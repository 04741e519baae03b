// Package storetest is the conformance suite for store.Store and
// store.Mailbox implementations, in the manner of testing/fstest and
// restic's backend test suite: a backend's test fills a Harness and calls
// Run, which checks every contract stated in package store with one
// subtest per contract. Honest differences between backends (MH keeps no
// flags on disk, mbox quotes "From " lines, IMAP clears \Recent) are
// switches of the Harness, never skipped checks.
package storetest
