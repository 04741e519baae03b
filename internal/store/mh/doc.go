// Package mh reads and writes MH folders the way UW c-client (and so
// mailsync 5.2.7) does: a folder is a directory, each message is a file
// whose name is its number, mailbox order is numeric order.
//
// What c-client stores and what this package therefore keeps:
//
//   - Only all-digit file names are messages; everything else in the
//     directory (.mh_sequences, ",N" backups, sub-folders) is ignored by
//     folder listings.
//   - A message file holds the message with LF line ends and no envelope
//     line. Its size is counted as if every lone LF were CRLF.
//   - The internal date is the file's modification time (UTC, seconds).
//   - A message is Seen when the file's access time is later than its
//     modification time (in whole seconds), and never Recent (c-client
//     sets \Recent only for files that appear while a folder is open).
//     c-client stores no other flag.
//
// Flags in .mh_sequences (c-client has none; this is how mutt keeps them,
// so that mutt and nmh users see them):
//
//   - \Answered is the sequence "replied" and \Flagged the sequence
//     "flagged": mutt's defaults for $mh_seq_replied and $mh_seq_flagged,
//     which Python's mailbox.MH uses too. \Draft is the sequence "draft":
//     no MH program defines one (nmh keeps drafts in a draft folder; mutt,
//     Claws Mail and Python's mailbox map no flag to a draft sequence), so
//     the name follows the pattern of the other two, is a valid nmh
//     sequence name and no reserved one ("scan draft" lists the drafts).
//     \Deleted is not stored, as in c-client.
//   - \Seen stays in the file times exactly as c-client writes and reads
//     it, so what a 5.2.7 user sees of \Seen does not change: the
//     "unseen" sequence (nmh's, mutt's, Claws Mail's) is neither read nor
//     added to. (It would often be the better record — any program reading
//     a file, mutt scanning a folder, a backup, advances its access time —
//     but honouring it would change which copies 5.2.7 users get as read.)
//   - The file is read as nmh does (RFC 5322 fields: "name: 1-3 5 7", lines
//     starting with white space continue the previous one; mutt's one-line
//     form is the same). Tokens that are not numbers or ranges are ignored.
//   - Append, SetFlags and Expunge only note their changes; Close writes them in one
//     rewrite (after the directory fsync that makes the appended messages
//     durable, so a number is never in a sequence before its message is on
//     disk). An appended number joins exactly the sequences of its flags
//     and leaves "unseen" when it is appended \Seen (a stale entry: the
//     number was free); an expunged number leaves replied, flagged, draft
//     and unseen. Other sequences (cur, the user's) are not touched: mutt
//     leaves them too, nmh drops numbers of missing messages itself.
//   - Only a sequence whose numbers change is rewritten (in place, as
//     "name: list"; a sequence left empty loses its line; a new one goes
//     before the first blank line, else at the end); every other line
//     (other sequences, comments, odd spellings, order, CRLF) stays byte for
//     byte. Nothing is written when nothing changes: read-only opens and
//     read-write sessions that append no flagged message, change no flag
//     and expunge nothing leave the file (and its access time: it is read with
//     O_NOATIME) untouched, and create none.
//   - Locking: the file is read under a shared and updated under an
//     exclusive fcntl lock on the file itself, nmh's default
//     ("datalocking: fcntl"; lockf is the same lock on Linux), held from
//     reading until the new file has replaced the old: nmh, which rewrites
//     the file in place under that lock, never loses an update to us nor
//     we to it, except when it opened the old file just before our rename
//     and locks it just after (its update then goes to the replaced
//     file). A waiting Close gives up after 60 s with an error. nmh set
//     to "dot" or "flock" locking and mutt (which locks nothing and
//     replaces the file by rename) are not excluded: a mutt that rewrites
//     the file between our read and our rename loses its change, or we
//     ours. Update: new content in a temporary dot file beside it, fsync,
//     rename over .mh_sequences, fsync of the directory; when the path
//     names another file once locked (renamed in meanwhile) we start
//     again; a new file is created by a hard link that fails rather than
//     replace one created meanwhile. The new file keeps the old one's
//     permissions (0600 when new) and, when run as root, its owner.
//   - A Close that cannot write the sequences returns an error; the
//     messages are in place, their flags other than \Seen are lost.
//
// Flag changes (SetFlags, store.FlagSetter; doc/design/flags.md):
//
//   - \Seen is set at once in the message file's times, the way c-client
//     reads it: seen, an access time at least a second after the
//     modification time (now when that is later); unseen, an access time
//     equal to it. The modification time (the internal date) is left as
//     it is to the nanosecond (utimensat with UTIME_OMIT); a file that
//     already reads as asked is not touched. Close fsyncs the files whose
//     times changed, a few at once.
//   - \Answered, \Flagged and \Draft are noted and written by Close with
//     the session's other sequence changes, in the one locked rewrite
//     described above. A change is an edit, not a replacement: the
//     number joins the sequences of the flags added and leaves those of
//     the flags removed, and every other sequence keeps what it says of
//     it. The rewrite rereads the file under the lock, so what another
//     client changed meanwhile (another sequence, another message, a flag
//     of the same message we did not change) survives. A message set
//     \Seen also leaves "unseen" (for mutt and nmh it is read too); a
//     message set unseen does not join it (the sequence is never added
//     to, see above), so mutt and nmh may still show it read.
//   - A message appended in the session and then changed gets its final
//     flags; a message whose file is gone is skipped.
//   - The signature (Signature) covers all of it: .mh_sequences is in it,
//     and since a file's times change neither the directory nor the
//     sequence file, it also holds a digest of which messages read as
//     seen (one stat per message: about 20 ms for 10,000 messages, a
//     quarter of reading them with a warm cache). So a message read by
//     another c-client program, which advances its access time, moves
//     the signature too.
//
// Differences from c-client, deliberate:
//
//   - Reading a message (Messages, Fetch) opens the file with O_NOATIME
//     where the kernel allows it (Linux, file owned by the caller), so that
//     reading never marks it seen. When O_NOATIME is refused (a file owned
//     by someone else) the read may advance the access time like any other
//     reader would.
//   - Append writes a temporary dot file in the folder, fsyncs it, sets its
//     times and hard-links it to the next free number (never overwriting a
//     message), then removes the temporary name; the directory is fsynced
//     once, by Close. c-client writes the
//     numbered file in place and sets atime to now, so every copy it makes
//     is seen; here an unseen message gets atime == mtime and a seen one an
//     atime after its mtime.
//   - Append keeps a CR that is not followed by LF (c-client drops every
//     CR); CRLF becomes LF as in c-client.
package mh
