// Package msinfo reads and writes mailsync's sync state (the "msinfo" mailbox):
// one message per channel whose body lists, for every box, the ids of the
// messages present on both sides after the last sync. The format is mailsync
// 5.2.7's (doc/design/behaviour.md#msinfo-format), the safety rules are the
// clone's (atomic rewrite, last entry wins, locking:
// doc/design/decisions.md#d6-imap-msinfo and #d9-msinfo-safety).
package msinfo
