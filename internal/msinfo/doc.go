// Package msinfo reads and writes mailsync's sync state (the "msinfo"
// mailbox): one message per channel whose body lists, for every box, the
// ids of the messages present on both sides after the last sync. The
// format is mailsync 5.2.7's (spec section 6), the safety rules are the
// clone's (decisions D6, D9: atomic rewrite, last entry wins, locking).
package msinfo
