// Package local is the local mailbox namespace of a mailsync store: the
// c-client names that refer to files under the user's home directory
// (doc/design/behaviour.md#mailbox-names to #box-order, and #mh), plus
// Maildirs.
//
// Names: "mail/inbox" is relative to Env.Home, "~/mail/inbox" the same,
// "/abs/path" and names containing ".." work
// (doc/design/decisions.md#d7-absolute-paths; 5.2.7 refuses them), "INBOX" in
// any case is ~/mbox when that file exists and the spool file /var/mail/USER
// otherwise, "#mh/NAME" is the MH folder NAME below the MH root (the Path: line
// of ~/.mh_profile) and "#mhinbox" the MH folder inbox. "#maildir/NAME" (our
// addition, "maildir" in any case) is the plain name NAME in a namespace where
// every box is a Maildir. Symbolic links are followed everywhere, as c-client
// does.
//
// What a name is opened as (Store.Open, the single place where formats are
// told apart, see kindOf and resolve):
//
//   - "#mh/…" and "#mhinbox" names: MH folders;
//   - a directory holding cur/, new/ and tmp/: a Maildir (package maildir),
//     also below the MH root and also for INBOX (our addition: 5.2.7 shows
//     such a directory \NoSelect);
//   - a missing name A/b/c whose nearest existing ancestor A is a Maildir
//     (not the home directory): the Maildir++ sub-folder A/.b.c; when only
//     sub-folders below it exist (A/.b.c.d), an implied parent, not
//     selectable;
//   - anything inside a Maildir's cur/, new/ or tmp/: no mailbox;
//   - a directory below the MH root: an MH folder too (c-client's MH driver
//     claims such names, and its lister shows them selectable);
//   - a regular file: an mbox file (package mbox); not in #maildir;
//   - any other directory: not selectable (ErrNotMailbox), also when it
//     holds numbered files, because the lister shows it \NoSelect.
//
// Listing follows c-client's file-system lister (dummy_scan /
// dummy_list_work and mh_list_work of c-client 2007f), checked against
// mailsync 5.2.7 with -d; see List. Maildirs extend it without changing
// what other trees list: a Maildir is a selectable box (listed "name/" not
// selectable when only that form matches, like any directory); inside it
// the lister shows only its child boxes — its sub-directories except cur,
// new, tmp, dot entries and Courier/Dovecot metadata (nested layout,
// "Mail/inbox/child"), and its Maildir++ sub-folders ".a.b" as "ROOT/a/b"
// with implied parents not selectable. Files inside a Maildir are never
// listed. A nested child shadows a Maildir++ folder tree of the same name;
// a sub-folder named cur, new or tmp cannot be named and is not listed.
// The root of a Maildir++ tree is the box named by its own path
// ("Maildir"); unlike Dovecot it is not called INBOX, since INBOX keeps
// c-client's meaning.
//
// Format of new boxes (Create): see createMaildir. In short: #mh names
// make MH folders, names ending in "/" directories; a box below a Maildir
// becomes a Maildir++ sub-folder of it (or a nested Maildir when that
// Maildir already uses the nested layout), a box in a directory that
// holds Maildirs becomes a Maildir, a #maildir name becomes a Maildir;
// everything else is an mbox file, so configurations without Maildirs
// behave as before. The home directory itself never decides the format.
package local
