// Package mbox implements store.Mailbox for Unix mbox files in the format
// c-client (UW IMAP), mutt and mailsync 5.2.7 read and write.
package mbox
