// Package bench measures mailsync against mailsync 5.2.7 (and, over IMAP,
// mbsync) on generated mail.
//
// It owns these things, all independent of the code being measured:
//
//   - Generate writes a deterministic mbox of n realistic messages (about
//     18 KB on average, Received chains, MIME attachments, unique
//     Message-IDs) from a seed; GenerateMails returns the same messages one
//     by one, as a server keeps them (no From_ line, status headers turned
//     into flags), for loading into Dovecot;
//   - ScanMbox reads an mbox file back and returns the Message-IDs of its
//     messages, skipping c-client's pseudo message; ScanMaildir does the
//     same for a Maildir. The benchmark uses them to check that a sync
//     delivered every message. They are separate, minimal readers on
//     purpose: the result of a sync is not checked with the code that
//     produced it;
//   - EditMbox, AddToMaildir and RemoveFromMaildir change a local store as
//     a mail reader and a delivery agent would, between two syncs;
//     FillMaildir writes generated messages as a Maildir a mail reader has
//     read (the source of the Maildir suite);
//   - RawFetch, ServerIDs (ServerFolderIDs for many folders at once) and
//     DeleteOnServer are a minimal IMAP client of its own (go-imap): the
//     floor for an initial sync (one pipelined UID FETCH 1:* BODY.PEEK[]
//     per folder), and the server side's checks and changes; PipelinedFetch is the floor over a slow link (after LOGIN,
//     every folder's EXAMINE and UID FETCH in one write; doc/design/wan.md);
//   - Run starts one program as a child process (optionally as another
//     user) and reports its wall time, CPU time and peak resident set size
//     (through GNU time, so that the benchmark's own memory is not counted;
//     see RSSMethod).
//
// The command internal/bench/cmd/mailsync-bench ties them together
// (`make bench`). Nothing here is part of `make test` except the package's
// own tests: one starts a small Dovecot, and TestNoopSyncRoundTrips counts
// the round trips of a no-op sync through package netrelay against a
// budget (doc/design/wan.md).
package bench
