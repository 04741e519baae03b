// Package store defines the two interfaces every mailbox backend implements:
// a Store (a namespace of mailboxes: the local file system or one IMAP
// server) and a Mailbox (one open folder). The sync engine sees mail only
// through these interfaces; it knows no file format and no protocol.
//
// Contracts that hold for every implementation:
//
//   - Message bytes cross this interface in RFC 5322 wire form: CRLF line
//     ends, without any backend metadata (no mbox From_ line, no Status:,
//     X-Status:, X-Keywords:, X-UID:, X-IMAP:, X-IMAPbase: headers).
//   - A failed listing or a failed read is an error, never an empty result:
//     an empty result makes the engine delete mail.
//   - Methods return errors wrapped with context; callers test for the
//     sentinels below with errors.Is.
//   - A store may hold a connection per open Mailbox (IMAP): a call on
//     the Store, or an Open, made while every connection it may have
//     serves an open Mailbox waits until one is closed (or its context
//     ends). A caller that needs the Store while a Mailbox is open closes
//     the Mailbox first, or holds no more Mailboxes open than the store
//     allows (ConcurrentBoxes).
package store

import (
	"context"
	"errors"
	"io"
	"time"
)

// Sentinel errors returned (wrapped) by backends.
var (
	// ErrNoMailbox: the named mailbox does not exist.
	ErrNoMailbox = errors.New("no such mailbox")
	// ErrExists: Create was asked for a mailbox (or directory) that exists.
	ErrExists = errors.New("mailbox already exists")
	// ErrReadOnly: a change was requested on a mailbox opened ReadOnly.
	ErrReadOnly = errors.New("mailbox is open read-only")
	// ErrNotMailbox: the file exists but is not in a format the backend reads.
	ErrNotMailbox = errors.New("not a valid mailbox")
	// ErrStoreUnavailable: the store cannot be reached any more (a server
	// that stopped answering); its other boxes fail too. Once a Store
	// returns it, every later operation of that Store returns it at once,
	// without touching the network, so the engine can skip the store's
	// remaining boxes instead of waiting for each of them.
	ErrStoreUnavailable = errors.New("the store cannot be reached any more; its other boxes fail too")
	// ErrKeywordsFull: SetFlags was asked to add a keyword the mailbox
	// has no room to name (an mbox declares at most 30, a Maildir names
	// 26 by letters). The changes without new keywords may be made.
	ErrKeywordsFull = errors.New("no room for another keyword")
)

// Flags are the IMAP system flags a message can carry.
type Flags uint8

// The system flags. Recent means "new" (mbox: no O in Status:; Maildir:
// in new/; IMAP: \Recent). Only Seen, Answered, Flagged, Deleted and Draft
// are copied along with a message (CopiedFlags).
const (
	Seen Flags = 1 << iota
	Answered
	Flagged
	Deleted
	Draft
	Recent
)

// CopiedFlags are the flags that travel with a copied message.
const CopiedFlags = Seen | Answered | Flagged | Deleted | Draft

// SyncedFlags are the flags a channel with "flags sync" keeps in step
// between its two sides after a message was copied
// (doc/design/flags.md). \Deleted keeps its mailsync meaning and is not
// among them.
const SyncedFlags = Seen | Answered | Flagged | Draft

// FlagChange adds and removes flags (SyncedFlags only) and keywords on
// one message.
type FlagChange struct {
	// Key is the message's key in the open Mailbox.
	Key uint64
	// Add and Remove are disjoint sets of SyncedFlags.
	Add, Remove Flags
	// AddKeywords and RemoveKeywords are disjoint sets of keywords, set
	// only for a mailbox that keeps them (KeywordKeeper).
	AddKeywords, RemoveKeywords Keywords
}

// Synced returns the flags c adds and removes, limited to SyncedFlags; a
// flag in both (which the contract rules out) is added.
func (c FlagChange) Synced() (add, remove Flags) {
	return c.Add & SyncedFlags, c.Remove & SyncedFlags &^ c.Add
}

// Apply returns the flags f changed by c.
func (c FlagChange) Apply(f Flags) Flags {
	add, remove := c.Synced()
	return (f | add) &^ remove
}

// FlagSetter is implemented by mailboxes whose messages' flags can be
// changed after they were written ("flags sync", doc/design/flags.md).
type FlagSetter interface {
	// SetFlags applies the changes, each to the message of its Key (as
	// Messages or EachMessage gave it in this session). Later reads in
	// the session show the new flags. The changes are durable once Close
	// returns nil (a backend may apply them then, mbox in one rewrite of
	// the file, shared with Expunge). On error any part of the changes
	// may have been applied: the caller assumes none was. A backend
	// batches what it sends (IMAP: one UID STORE per set of keys with
	// the same change), never one command per message. ErrReadOnly on a
	// mailbox opened ReadOnly.
	SetFlags(ctx context.Context, changes []FlagChange) error
}

// Mode says how a mailbox is opened.
type Mode int

const (
	// ReadOnly: nothing in the mailbox may change, not even a status
	// header or the IMAP \Recent flag (EXAMINE). Append, MarkDeleted and
	// Expunge return ErrReadOnly.
	ReadOnly Mode = iota
	// ReadWrite: the caller may Append, MarkDeleted and Expunge. Opening
	// read-write must itself change nothing (no rewrite, no status change).
	ReadWrite
)

// ListEntry is one name returned by Store.List.
type ListEntry struct {
	// Name is the full mailbox name as listed, without any server part,
	// with the store's own hierarchy delimiter (e.g. "mail/a/inbox",
	// "INBOX.work", "#mh/inbox", "INBOX"). A listed directory ends with
	// the delimiter (local "mail/" for pattern "mail/%").
	Name string
	// Delim is the hierarchy delimiter, 0 when the entry has none (INBOX
	// on a local store).
	Delim byte
	// NoSelect: a directory or \Noselect folder: it holds no messages.
	NoSelect bool
	// NoInferiors, Marked, Unmarked are informational (shown by -d).
	NoInferiors, Marked, Unmarked bool
}

// Store is a namespace of mailboxes.
type Store interface {
	// List returns the mailboxes whose names match ref+pat with c-client
	// semantics: '%' matches any run of characters except the hierarchy
	// delimiter, '*' matches anything. The order is unspecified. A listing
	// that fails (unreadable directory, broken connection) is an error.
	List(ctx context.Context, ref, pat string) ([]ListEntry, error)
	// Open opens the mailbox with the given full name (as List returns
	// it). ErrNoMailbox if it does not exist.
	Open(ctx context.Context, name string, mode Mode) (Mailbox, error)
	// Create makes a new, empty mailbox (creating missing parent folders).
	// ErrExists if the name exists as a mailbox or directory.
	Create(ctx context.Context, name string) error
	// Delete removes a mailbox and its messages. ErrNoMailbox if absent.
	Delete(ctx context.Context, name string) error
	// Close releases connections. The Store is unusable afterwards.
	Close() error
}

// HeaderFields returns the header fields a Message's Header must contain
// when the message has them: what message identity (msgid, md5) and the
// -m listing need. A backend may deliver the whole header section
// instead. Each call returns a fresh slice: nobody can change the list
// for everyone.
func HeaderFields() []string { return []string{"Message-ID", "Date", "Subject", "From", "To"} }

// Message describes one message of an open mailbox without its body.
type Message struct {
	// Key identifies the message in this open Mailbox (an index, a UID or
	// a file number). It stays valid until the Mailbox is closed; Expunge
	// may invalidate the keys of expunged messages only.
	Key uint64
	// Size is the RFC 822 size: the number of bytes Fetch yields (CRLF line
	// ends, no backend metadata).
	Size int64
	// Flags the message carries now.
	Flags Flags
	// Keywords the message carries now, from a mailbox that keeps them
	// (KeywordKeeper); "" from any other.
	Keywords Keywords
	// InternalDate: mbox From_ line date, MH/Maildir file mtime, IMAP
	// INTERNALDATE.
	InternalDate time.Time
	// Header holds at least the HeaderFields lines of the message's
	// header (raw, folded as in the message; LF or CRLF line ends), ending
	// with an empty line.
	Header []byte
}

// NewMessage is a message to be appended.
type NewMessage struct {
	// Flags to set on the new message (only CopiedFlags are honoured).
	Flags Flags
	// InternalDate to give the new message.
	InternalDate time.Time
	// Size is the exact number of bytes Body yields.
	Size int64
	// Body is the whole message in wire form (CRLF line ends).
	Body io.Reader
	// FlagRoom asks for room for later flag changes: a backend that keeps
	// flags in the message's own bytes (mbox) writes them so that a
	// change fits in place (flags sync; doc/design/mbox.md, "Flag
	// changes in place"). Other backends ignore it.
	FlagRoom bool
}

// Mailbox is one open folder.
type Mailbox interface {
	// Messages returns every message in mailbox order. A message the
	// backend cannot parse is an error, not an omission, except that a
	// message the backend refuses to hold is left out with a
	// *SkippedError returned beside the others.
	Messages(ctx context.Context) ([]Message, error)
	// Fetch returns the whole message (Size bytes, CRLF). Reading it never
	// changes the message's flags (no \Seen).
	Fetch(ctx context.Context, key uint64) (io.ReadCloser, error)
	// Append adds a message at the end of the mailbox. When Append returns
	// nil the message is written; it is durable (fsynced for local files)
	// once Close returns nil: a backend may batch its syncs until Close.
	Append(ctx context.Context, m NewMessage) error
	// MarkDeleted sets \Deleted on the given messages.
	MarkDeleted(ctx context.Context, keys []uint64) error
	// Expunge removes every message flagged \Deleted (also ones flagged
	// before this session) and returns how many were removed. A local
	// backend writes the new file beside the old one and renames it, so a
	// crash leaves either the old or the new mailbox, never a mix.
	Expunge(ctx context.Context) (int, error)
	// Close releases the mailbox (and its locks) and makes what Append
	// wrote durable; an error means appended messages may be lost in a
	// crash. \Deleted marks made in this session and not expunged may be
	// dropped.
	Close() error
}

// AppendStarter is implemented by mailboxes that can send an append
// without waiting for its answer (IMAP with LITERAL+): the sync engine
// then sends the next one at once instead of one round trip per message.
// Append remains the reference behaviour.
type AppendStarter interface {
	// StartAppend sends m, reading its body to the end, and returns
	// without waiting; finish waits for the answer and returns what Append
	// would have. ok is false when the mailbox cannot (use Append). The
	// finish functions must be called in the order of their StartAppend
	// calls, each before any other call on the mailbox but StartAppend.
	StartAppend(ctx context.Context, m NewMessage) (finish func() error, ok bool)
}

// DeleteExpunger is implemented by mailboxes that can flag messages
// deleted and expunge in one round trip (IMAP pipelines UID STORE and
// EXPUNGE). MarkDeleted and Expunge remain the reference behaviour.
type DeleteExpunger interface {
	// MarkDeletedAndExpunge is MarkDeleted(keys) followed by Expunge,
	// whatever MarkDeleted returned: what each of them would have
	// returned.
	MarkDeletedAndExpunge(ctx context.Context, keys []uint64) (markErr error, expunged int, expungeErr error)
}

// WholeOpener is implemented by stores that can begin fetching every
// message of a box while they open it. The sync engine opens a box so
// when it will copy all of it: into a box it created empty in this run,
// with no last state. The mailbox is the one Open returns; what was
// fetched ahead serves BulkFetcher.FetchEach, and a store may fetch
// nothing ahead (a large box), or drop what it fetched when FetchEach
// asks for something else.
type WholeOpener interface {
	OpenWhole(ctx context.Context, name string, mode Mode) (Mailbox, error)
}

// BulkFetcher is implemented by mailboxes that can stream many messages
// without a round trip each (IMAP pipelines its FETCH commands). The sync
// engine uses it when copying; Fetch remains the reference behaviour.
type BulkFetcher interface {
	// FetchEach calls fn with each message of keys, in the order of keys,
	// each body yielding the same bytes Fetch would. fn must consume or
	// abandon body before returning and must not call the Mailbox (its
	// connection is busy with the pipeline); an error from fn is recorded by the
	// caller, not returned here: FetchEach goes on with the next key. It
	// returns an error when the mailbox cannot deliver the remaining
	// messages (e.g. the connection broke), together with the number of
	// keys whose fn call completed.
	FetchEach(ctx context.Context, keys []uint64, fn func(key uint64, body io.Reader) error) (int, error)
}

// Streamer is implemented by mailboxes that can hand their messages out
// one at a time (mbox): the sync engine then reads a box with one header
// in memory at a time instead of a list of all of them, and once it knows
// which messages it copies or deletes it reads the box again for them.
// Messages remains the reference behaviour; a backend without Streamer is
// read through Messages.
type Streamer interface {
	// EachMessage calls fn with each message of the mailbox in mailbox
	// order: the messages Messages would list, with the same fields. The
	// Header passed is valid only during the call. An error returned by
	// fn stops the reading and is returned as it is. A failure to read is
	// an error (fn may have been called for some messages before it).
	//
	// While the mailbox stays open and nothing is expunged, calls agree:
	// a later call yields first the messages an earlier one yielded, in
	// the same order, with the same keys, sizes, dates and headers, and
	// their flags as they are now (MarkDeleted's marks included), then
	// the messages appended since.
	EachMessage(ctx context.Context, fn func(Message) error) error
}

// Describer is implemented by stores that can name a mailbox the way
// c-client does in 5.2.7's -d output: the absolute path of a local file,
// {host:port/imap/...}NAME for a server.
type Describer interface {
	Describe(name string) string
}

// Signer is implemented by stores that can tell, without reading a box,
// whether it may have changed since an earlier look: the sync engine then
// leaves alone a box whose two sides are as they were after a sync that
// found nothing to do (package settled).
type Signer interface {
	// Signature returns a value that differs from any earlier one of box
	// name whenever its messages, their header fields or their flags may
	// have changed since. ok is false when the store cannot give one: the
	// box does not exist or is of a kind without signatures, or it changed
	// so recently that a further change might leave the value as it is
	// (a file system's coarse time stamps). A signature is taken before
	// the box is read: what the read finds is at least as new as it.
	Signature(ctx context.Context, name string) (sig []byte, ok bool)
}

// ConcurrentBoxes is implemented by stores whose boxes may be opened and
// changed from several goroutines at once, each box by one (local files,
// memory, an IMAP store with a pool of connections); the sync engine
// may then synchronise several boxes at once.
type ConcurrentBoxes interface {
	ConcurrentBoxes() bool
}
