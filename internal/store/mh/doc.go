// Package mh reads and writes MH folders the way UW c-client (and so
// mailsync 5.2.7) does: a folder is a directory, each message is a file
// whose name is its number, mailbox order is numeric order.
//
// What c-client stores and what this package therefore keeps:
//
//   - Only all-digit file names are messages; everything else in the
//     directory (.mh_sequences, ",N" backups, sub-folders) is ignored.
//   - A message file holds the message with LF line ends and no envelope
//     line. Its size is counted as if every lone LF were CRLF.
//   - The internal date is the file's modification time (UTC, seconds).
//   - No flags are stored on disk. A message is Seen when the file's
//     access time is later than its modification time (in whole seconds),
//     and never Recent (c-client sets \Recent only for files that appear
//     while a folder is open).
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
//     message), then removes the temporary name. c-client writes the
//     numbered file in place and sets atime to now, so every copy it makes
//     is seen; here an unseen message gets atime == mtime and a seen one an
//     atime after its mtime.
//   - Append keeps a CR that is not followed by LF (c-client drops every
//     CR); CRLF becomes LF as in c-client.
package mh
