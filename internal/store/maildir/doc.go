// Package maildir implements store.Mailbox for Maildir directories (a
// directory holding cur/, new/ and tmp/), as qmail, Postfix, Dovecot,
// Courier, mutt and mbsync keep them, and the Maildir++ layout helpers the
// local store uses to name sub-folders. This is an addition of the clone:
// mailsync 5.2.7 (c-client) has no Maildir driver.
//
// Messages:
//
//   - One message per file in new/ and cur/ (names starting with "." and
//     directories are ignored). A file in new/ is Recent. Flags come from
//     the info part of the name, "UNIQUE:2,LETTERS": S \Seen, R \Answered,
//     F \Flagged, T \Deleted (trashed), D \Draft; other letters (P,
//     Dovecot keywords a–z) are kept untouched on rename.
//   - Mailbox order is delivery order: files are sorted by the delivery time
//     in their unique part (the leading decimal seconds, then the
//     microseconds of an "M<digits>" field as Dovecot, Courier and this
//     package write), then by the unique part as a byte string. The unique
//     part does not change when flags change or a file moves from new/ to
//     cur/, so the order is the same in every run. When the same unique
//     part appears twice (new/ and cur/), the cur/ file is the message.
//   - Keys are numbers given to unique parts in the order they are first
//     seen in a session; they stay valid while the Box is open, also when
//     another program renames the file.
//   - The internal date is the file's modification time, in whole seconds.
//   - Files are stored with LF line ends. Size and Fetch present them in
//     wire form: every LF not preceded by CR counts and reads as CRLF, so a
//     file written with CRLF by another program reads unchanged. When the
//     name carries Dovecot's ",S=<file size>,W=<CRLF size>" fields and S
//     equals the file's size, W is the Size and listing reads only the
//     header of the file; otherwise the whole file is read (streamed, so
//     memory does not grow with message bodies) to count its line ends.
//
// Writing:
//
//   - Append writes tmp/UNIQUE (mode 0600) with CRLF turned into LF (a CR
//     not followed by LF is kept), sets the modification time to the
//     internal date, fsyncs it and moves it without replacing any file
//     (rename with RENAME_NOREPLACE, else link and unlink) into new/ (no
//     flags: it arrives as new mail, like an mbox copy without "Status: O",
//     doc/design/decisions.md#d5-new-mail-stays-new) or into cur/ with
//     ":2,LETTERS" (any flag). UNIQUE is
//     "SECONDS.M<usec>P<pid>Q<n>.HOST,S=<size>,W=<CRLF size>" with a
//     delivery time later than every message already in the box, so an
//     appended message sorts last even when the clock is behind. A CR
//     directly before an LF cannot be represented and is lost ("a\r\r\n"
//     reads back "a\r\n"); wire-form messages have none.
//   - MarkDeleted renames the file to cur/UNIQUE:2,…T (atomic). Expunge
//     unlinks every file whose info has T, also ones marked before the
//     session or by another program. Each removal is atomic; a crash
//     leaves some marked files, which the next Expunge removes.
//   - Close fsyncs each directory that Append, MarkDeleted, SetFlags or
//     Expunge changed, once (not once per message): what a session did is durable
//     when Close returns nil, which the engine waits for before it records
//     the box in the msinfo.
//   - The header cache (package hdrcache, when Env.CacheDir is set) keeps
//     the header fields, wire size and internal date of each unique name;
//     Messages reads only files it does not know (or whose W= disagrees),
//     Append adds what it wrote, Expunge forgets, and Close of a ReadWrite
//     Box saves it. Unique names are never reused for other content, so
//     an entry never goes stale; a mail client that edits a message writes
//     a new file.
//   - A ReadOnly Box changes nothing, not even new/ → cur/ moves; a
//     ReadWrite Box changes nothing until Append, MarkDeleted, SetFlags or
//     Expunge.
//
// Flag changes (SetFlags, store.FlagSetter; doc/design/flags.md):
//
//   - A change renames the message's file to cur/UNIQUE:2,INFO (atomic):
//     the letters of the flags added (S, R, F, D) are put in, those of the
//     flags removed taken out, and the info is kept in ASCII order as the
//     Maildir specification asks (D F P R S T, then Dovecot's keyword
//     letters a–z). Keywords added and removed put in and take out their
//     letters, named by the folder's dovecot-keywords (keywords.go). Every
//     letter the store does not synchronise stays: T (\Deleted keeps its
//     mailsync meaning), P (passed), a keyword letter no change names. The
//     unique part does not change, so keys, mailbox order, the header
//     cache and Dovecot's dovecot-uidlist (UIDs by unique part) all
//     follow the message.
//   - A message in new/ that gets a flag moves to cur/ with its info, as
//     mutt and Dovecot move it (it is no longer new mail); a change that
//     leaves the info as it is renames nothing, so a message in new/ stays
//     there.
//   - Maildir has no locks: another client (mutt, Dovecot) may rename the
//     file between our listing and our change. The rename then fails
//     (the old name is gone); SetFlags reads the directories again, finds
//     the message by its unique part and applies the change to the flags
//     its current name carries, so the other client's change survives
//     (unless it renames the file again between that look and our rename:
//     an interval of one rename instead of a whole run). A message removed
//     meanwhile is skipped.
//   - Close fsyncs cur/ and new/ when a change renamed in them, with the
//     other changes of the session: the new names are durable when Close
//     returns nil. Every rename changes the directories' times, so the
//     signature (Signature) moves with every flag change, ours or another
//     client's.
//
// Layout (used by package local; see its documentation for naming):
//
//   - Create makes a Maildir (the directory and cur/, new/, tmp/, 0700;
//     missing parents are plain 0700 directories). A Maildir++ sub-folder
//     also gets the empty "maildirfolder" marker Courier and Dovecot write.
//   - The Maildir++ sub-folders of a root Maildir are its entries ".a.b"
//     that are Maildirs; their names are the components a, b
//     (github.com/emersion/go-maildir/maildirpp). A component may not be
//     empty nor contain "." or "/".
//   - Remove deletes a Maildir's messages and cur/, new/ and tmp/. When
//     nothing else but files is left the directory goes too (its regular
//     files are Maildir metadata: maildirfolder, dovecot-uidlist, …); when
//     sub-directories remain (nested child boxes) the directory stays as a
//     plain directory so that the children keep their names. A Maildir that
//     holds Maildir++ sub-folders is never removed: their names depend on
//     it.
//
// github.com/emersion/go-maildir supplies the flag letters, the Maildir++
// name mapping and the directory initialisation; its delivery (Dir.Create,
// Delivery) is not used because it neither fsyncs the file nor the
// directory, cannot set the modification time, creates files 0666, may
// overwrite a name with rename(2), and names messages by the second only,
// so appends within one second would not keep their order.
package maildir
