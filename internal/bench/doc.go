// Package bench measures mailsync against mailsync 5.2.7 on generated mail.
//
// It owns three things, all independent of the code being measured:
//
//   - Generate writes a deterministic mbox of n realistic messages (about
//     18 KB on average, Received chains, MIME attachments, unique
//     Message-IDs) from a seed;
//   - ScanMbox reads an mbox file back and returns the Message-IDs of its
//     messages, skipping c-client's pseudo message; the benchmark uses it to
//     check that a sync delivered every message. It is a separate, minimal
//     reader on purpose: the result of a sync is not checked with the code
//     that produced it;
//   - Run starts one sync as a child process (optionally as another user)
//     and reports its wall time and peak resident set size.
//
// The command internal/bench/cmd/mailsync-bench ties them together
// (`make bench`). Nothing here is part of `make test` except the generator's
// own tests.
package bench
