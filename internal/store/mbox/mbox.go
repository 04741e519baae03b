package mbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"syscall"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/filesig"
)

// Box is one open mbox file. It implements store.Mailbox.
type Box struct {
	path string
	mode store.Mode
	env  store.Env
	f    *os.File
	lock string // dotlock file name while open ReadWrite
	// lockFile is the dotlock, open once an append journals in it.
	lockFile *os.File
	lockBuf  []byte
	msgs     []msg // in file order; keys increase (except a pseudo message first)
	scanned  bool
	size     int64 // file size covered by msgs
	nextKey  uint64
	tail     tail // how the file ends after this Box's last append
	// appendedDeleted: a message appended in this session has \Deleted.
	appendedDeleted bool
	// list is the listing cache written by this session's first scan
	// (listcache.go), kept by Close if the file is still as scanned.
	list *listWriter
	// decl is the keyword declaration read from the first message
	// (keywords.go); kwDiff, by message key, the keyword bits SetFlags
	// changed and did not write yet.
	decl   declaration
	kwDiff map[uint64]uint32
	// writer is the descriptor flags were written in place through
	// (inplace.go), closed after f.
	writer *os.File
}

var (
	_ store.Mailbox  = (*Box)(nil)
	_ store.Streamer = (*Box)(nil)
)

// Open opens the mbox file at path. The error wraps store.ErrNoMailbox when
// the file does not exist and store.ErrNotMailbox when it is not an mbox.
// ReadWrite holds PATH.lock and an fcntl write lock until Close.
func Open(path string, mode store.Mode, env store.Env) (*Box, error) {
	ok, err := IsMbox(path)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("open %s: %w", path, store.ErrNotMailbox)
	}
	b := &Box{path: path, mode: mode, env: env, nextKey: 1}
	if mode == store.ReadOnly {
		if b.f, err = os.Open(path); err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		b.peekDeclaration()
		return b, nil
	}
	var staleLock []byte
	if b.lock, staleLock, err = dotlock(path, env); err != nil {
		return nil, err
	}
	if b.f, err = os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0); err != nil {
		os.Remove(b.lock)
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := fcntlLock(b.f, syscall.F_WRLCK, env.LockTimeout()); err != nil {
		b.f.Close()
		os.Remove(b.lock)
		return nil, err
	}
	if _, unfinished := parseLock(staleLock); unfinished >= 0 {
		if err := b.cutUnfinished(unfinished); err != nil {
			b.Close()
			return nil, err
		}
	}
	if err := b.finishFlagJournal(staleLock); err != nil {
		b.Close()
		return nil, err
	}
	removeDeadTemps(path, env)
	b.peekDeclaration()
	return b, nil
}

// rescan reads the whole file (first time) or what was added to it since.
// emit, when set, is called with each message read.
func (b *Box) rescan(emit func(*scanned) error) error {
	unlock, err := b.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	st, err := b.f.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", b.path, err)
	}
	if b.scanned && st.Size() < b.size {
		return fmt.Errorf("read %s: file shrank from %d to %d bytes: changed by another program", b.path, b.size, st.Size())
	}
	if b.scanned && st.Size() == b.size {
		return nil
	}
	var lw *listWriter
	var g guide
	if sig, ok := filesig.Of(st); ok && !b.scanned {
		// A file unchanged since a cached scan is not read at all.
		ms, err := readListCache(b.env, b.path, sig, &b.decl, func(sc *scanned) error {
			if emit == nil {
				return nil
			}
			return emit(sc)
		})
		if err == nil {
			b.msgs, b.size, b.scanned = ms, st.Size(), true
			if len(ms) > 0 {
				b.nextKey = ms[len(ms)-1].key + 1
			}
			return nil
		}
		if !errors.Is(err, errStaleList) {
			return fmt.Errorf("read %s: %w", b.path, err)
		}
		g = readGuide(b.env, b.path)
		if b.mode == store.ReadWrite {
			lw = newListWriter(b.env, b.path, sig, &b.decl)
		}
	}
	if lw != nil {
		inner := emit
		emit = func(sc *scanned) error {
			lw.add(sc)
			if inner == nil {
				return nil
			}
			return inner(sc)
		}
	}
	from := int64(0)
	if b.scanned {
		from = b.size
	} else {
		b.decl = declaration{} // read again from the first message
	}
	s := newScanner(io.NewSectionReader(b.f, from, st.Size()-from), from, b.path)
	s.begin, s.end, s.decl = from, st.Size(), &b.decl
	s.keyed, s.guide = lw != nil || g != nil, g
	s.jr = jumpReader{r: b.f, end: st.Size()}
	old := len(b.msgs)
	ms, err := s.scanMessages(b.msgs, !b.scanned, b.nextKey, emit)
	if err != nil {
		lw.abort()
		return err // b.msgs keeps its length: what was appended is not seen
	}
	if lw != nil && s.pos == st.Size() {
		b.list = lw
	} else {
		lw.abort()
	}
	b.msgs = ms
	if len(ms) > old {
		b.nextKey = ms[len(ms)-1].key + 1
	}
	b.size = s.pos
	b.scanned = true
	return nil
}

// readLock takes an fcntl read lock for a ReadOnly box (a ReadWrite box
// holds its write lock already) and returns its release.
func (b *Box) readLock() (func(), error) {
	if b.f == nil {
		return nil, fmt.Errorf("%s: mailbox is closed", b.path)
	}
	if b.mode != store.ReadOnly {
		return func() {}, nil
	}
	if err := fcntlLock(b.f, syscall.F_RDLCK, b.env.LockTimeout()); err != nil {
		return nil, err
	}
	return func() { _ = fcntlLock(b.f, syscall.F_UNLCK, b.env.LockTimeout()) }, nil
}

// lookup finds the message with key by binary search: keys increase
// along the file, except for a pseudo message first (never looked up).
func (b *Box) lookup(key uint64) (*msg, error) {
	ms := b.msgs
	if len(ms) > 0 && ms[0].pseudo {
		ms = ms[1:]
	}
	i := sort.Search(len(ms), func(i int) bool { return ms[i].key >= key })
	if i == len(ms) || ms[i].key != key {
		return nil, fmt.Errorf("%s: no message with key %d", b.path, key)
	}
	return &ms[i], nil
}

// Append adds m at the end of the file in 5.2.7's append form and fsyncs.
// Nothing before the end of the file is touched, except that a file whose
// last line or last header is unfinished first gets the line end or blank
// line without which the new message would be read as part of the last
// one (tail.go).
func (b *Box) Append(ctx context.Context, m store.NewMessage) error {
	if b.mode != store.ReadWrite {
		return fmt.Errorf("append to %s: %w", b.path, store.ErrReadOnly)
	}
	if b.f == nil {
		return fmt.Errorf("append to %s: mailbox is closed", b.path)
	}
	st, err := b.f.Stat()
	if err != nil {
		return fmt.Errorf("append to %s: %w", b.path, err)
	}
	fix, err := b.endLastMessage(st.Size())
	if err == nil {
		_, err = b.f.Write(fix)
	}
	if err != nil {
		_ = b.f.Truncate(st.Size())
		return fmt.Errorf("append to %s: %w", b.path, err)
	}
	// Journal the append in our dotlock: a kill -9 before it completes
	// lets the next Open cut the unfinished message off.
	b.markLock(st.Size())
	defer b.markLock(-1)
	w := &blankWatch{w: b.f}
	n, err := WriteAppend(w, b.env, m)
	if err != nil {
		_ = b.f.Truncate(st.Size())
		return fmt.Errorf("append to %s: %w", b.path, err)
	}
	if err := b.f.Sync(); err != nil {
		return fmt.Errorf("append to %s: %w", b.path, err)
	}
	b.tail = tail{known: true, size: st.Size() + int64(len(fix)) + n, hdrOpen: !w.blank}
	if m.Flags&store.Deleted != 0 {
		b.appendedDeleted = true
	}
	return nil
}

// MarkDeleted flags messages as deleted in this session.
func (b *Box) MarkDeleted(ctx context.Context, keys []uint64) error {
	if b.mode != store.ReadWrite {
		return fmt.Errorf("mark deleted in %s: %w", b.path, store.ErrReadOnly)
	}
	if !b.scanned {
		if err := b.rescan(nil); err != nil {
			return err
		}
	}
	for _, k := range keys {
		m, err := b.lookup(k)
		if err != nil {
			return fmt.Errorf("mark deleted: %w", err)
		}
		m.deleted = true
	}
	return nil
}

// Close writes the flags set in the session and not written by an
// expunge (one rewrite, under the locks: doc/design/mbox.md, "Flag
// rewrites"), then releases the locks. Unexpunged marks are dropped.
// When the flags cannot be written the error says so and the locks are
// released all the same; the file is as it was unless only the fsync of
// its directory after the rename failed.
func (b *Box) Close() error {
	if b.f == nil {
		return nil
	}
	var ferr error
	if b.mode == store.ReadWrite && b.flagsPending() {
		ferr = b.writeFlags()
	}
	if b.list != nil {
		b.list.commit() // for the file as scanned: listcache.go
		b.list = nil
	}
	err := b.f.Close()
	b.f = nil
	if b.writer != nil {
		b.writer.Close()
		b.writer = nil
	}
	if b.lockFile != nil {
		b.lockFile.Close()
		b.lockFile = nil
	}
	if b.lock != "" {
		if rerr := os.Remove(b.lock); rerr != nil && err == nil {
			err = rerr
		}
		b.lock = ""
	}
	if err != nil {
		err = fmt.Errorf("close %s: %w", b.path, err)
	}
	return errors.Join(ferr, err)
}

// markLock rewrites this Box's dotlock: the pid, and while an append is
// under way (size >= 0) the appendMark line with the size before it.
func (b *Box) markLock(size int64) {
	var extra []byte
	if size >= 0 {
		extra = strconv.AppendInt([]byte(appendMark), size, 10)
		extra = append(extra, '\n')
	}
	b.writeLock(extra)
}

// writeLock rewrites this Box's dotlock: the pid line, then extra.
func (b *Box) writeLock(extra []byte) error {
	if b.lock == "" {
		return nil
	}
	buf := strconv.AppendInt(b.lockBuf[:0], int64(os.Getpid()), 10)
	buf = append(buf, '\n')
	buf = append(buf, extra...)
	b.lockBuf = buf
	// Overwrite in place, then cut: the file always starts with the pid
	// line, even if the process dies in between (an empty lock would
	// look like another program's and block the next run). The lock
	// stays open between appends.
	if b.lockFile == nil {
		f, err := os.OpenFile(b.lock, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		b.lockFile = f
	}
	if _, err := b.lockFile.WriteAt(buf, 0); err != nil {
		return err
	}
	return b.lockFile.Truncate(int64(len(buf)))
}

// cutUnfinished truncates the file to size when a mailsync that held the
// lock died while appending after that offset (the stale lock said so):
// the unfinished message must not pass for a copy.
func (b *Box) cutUnfinished(size int64) error {
	st, err := b.f.Stat()
	if err != nil {
		return fmt.Errorf("open %s: %w", b.path, err)
	}
	if st.Size() <= size {
		return nil
	}
	if err := b.f.Truncate(size); err != nil {
		return fmt.Errorf("remove the unfinished message at the end of %s: %w", b.path, err)
	}
	if err := b.f.Sync(); err != nil {
		return fmt.Errorf("remove the unfinished message at the end of %s: %w", b.path, err)
	}
	b.env.Tell(store.UnfinishedCut{Path: b.path, Bytes: st.Size() - size})
	return nil
}
