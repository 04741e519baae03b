// Package local is the local mailbox namespace of a mailsync store: the
// c-client names that refer to files under the user's home directory
// (mailsync 5.2.7 spec sections 3.1–3.5, 7.3).
//
// Names: "mail/inbox" is relative to Env.Home, "~/mail/inbox" the same,
// "/abs/path" and names containing ".." work (decision D7; 5.2.7 refuses
// them), "INBOX" in any case is ~/mbox when that file exists and the spool
// file /var/mail/USER otherwise, "#mh/NAME" is the MH folder NAME below the
// MH root (the Path: line of ~/.mh_profile) and "#mhinbox" the MH folder
// inbox. Symbolic links are followed everywhere, as c-client does.
//
// What a name is opened as (Store.Open, the single place where formats are
// told apart, see kindOf):
//
//   - "#mh/…" and "#mhinbox" names: MH folders;
//   - a directory below the MH root: an MH folder too (c-client's MH driver
//     claims such names, and its lister shows them selectable);
//   - a regular file: an mbox file (package mbox);
//   - any other directory: not selectable (ErrNotMailbox), also when it
//     holds numbered files, because the lister shows it \NoSelect.
//
// Listing follows c-client's file-system lister (dummy_scan /
// dummy_list_work and mh_list_work of c-client 2007f), checked against
// mailsync 5.2.7 with -d; see List.
package local
