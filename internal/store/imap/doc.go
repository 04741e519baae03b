// Package imap is the IMAP store backend: it turns a c-client remote
// mailbox name ({host[:port][/flag...]}mailbox) into a store.Store that
// talks to the server with github.com/emersion/go-imap/v2.
//
// What it owns:
//   - the c-client server-name syntax and its flags (name.go);
//   - connecting: implicit TLS, STARTTLS, certificate checks, timeouts,
//     cancellation by closing the connection when the context ends
//     (dial.go);
//   - logging in: LOGIN, AUTHENTICATE PLAIN or CRAM-MD5, the user and
//     password prompts, the store.Authorizing note per attempt (5.2.7's
//     "Authorizing against" line, worded by the printer), a configured
//     password tried once (auth.go); the mechanism a store's authmech
//     names, XOAUTH2 and OAUTHBEARER included (mechs.go;
//     doc/design/accounts.md);
//   - listing, creating and deleting folders, with the server's hierarchy
//     delimiter kept in names (the engine maps it to '/') and names in
//     the server's modified UTF-7, never decoded (store.go, wirename.go);
//   - one selected folder per connection: bodies streamed with
//     BODY.PEEK[], APPEND with flags and internal date (NUL bytes sent
//     as 0x80, nul.go), UID STORE
//     +FLAGS.SILENT (\Deleted) and EXPUNGE (mailbox.go);
//   - flag changes ("flags sync"): one pipelined UID STORE per set of
//     messages with the same change (flags.go);
//   - listing a folder: ids and -m fields of the whole folder from one
//     pipelined UID FETCH, or, with a header cache (Options.CacheDir,
//     package hdrcache, one file per server, user, folder and
//     UIDVALIDITY), UID FETCH 1:* (UID FLAGS) and the headers of the
//     messages the cache lacks (list.go); the server's ENVELOPE form of
//     a -m sender without a domain (envelope.go);
//   - copying many bodies in batches of one UID FETCH each, read into
//     reused buffers while the previous batch is written (bulk.go);
//   - a pool of up to 4 connections (/connections=N) so that the engine
//     can work on several folders at once, on servers with LIST-STATUS
//     and CONDSTORE (pool.go); the listing sent behind each SELECT
//     (ahead.go, beside.go); appends that do not wait for each answer
//     (appendstart.go); UID STORE and EXPUNGE in one round trip
//     (delexp.go); doc/design/wan.md, "Several folders at once";
//   - 5.2.7's error wording for connection and login failures (errors.go).
//
// Nothing here knows about channels, msinfo or the sync algorithm.
package imap
