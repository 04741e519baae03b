// Package hdrcache keeps the caches that spare backends reading every
// message on every run. A Cache keeps, per mailbox, what reading a
// message's header costs a backend: the header section, the wire size and
// the internal date, keyed by a name the mailbox never reuses for other
// content (a Maildir unique name, an IMAP UIDVALIDITY and UID). A sync
// that finds every message in the cache reads no message file at all, as
// mbsync does with its state. Its files are in the project's cache-file
// format (package cachefile).
//
// A cache is an optimisation only: a missing, unreadable, damaged or
// foreign cache file is an empty cache, and a cache that cannot be written
// changes nothing but speed. Every file carries its kind, its mailbox's
// identity and a checksum; it is replaced atomically (write beside,
// rename), so concurrent runs leave one complete file. Entries of a Cache
// never go stale (their keys are never reused), they only become unused;
// Save drops the unused ones after a full listing.
package hdrcache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mailsync/mailsync/internal/cachefile"
)

// kind starts every header cache file; the digit is the format version.
const kind = "mailsync header cache 3"

// Entry is what the cache knows about one message.
type Entry struct {
	// Size is the message's wire size (CRLF line ends).
	Size int64
	// Date is the internal date, whole seconds, with its zone offset (an
	// IMAP INTERNALDATE's zone shows in mbox From_ lines and -m).
	Date time.Time
	// Header is the header section (at least store.HeaderFields), ending
	// with an empty line.
	Header []byte
}

// Cache is the header cache of one mailbox. The zero Cache and a nil
// *Cache are empty and never saved.
type Cache struct {
	dir, identity string
	entries       map[string]*slot
	loaded        int  // entries in the file as loaded
	used          int  // entries looked up or added in this session
	changed       bool // something was added or deleted since the load
}

// slot is an entry and whether this session used it.
type slot struct {
	Entry
	used bool
}

// Open loads the cache of the mailbox named identity (an absolute path, a
// server and folder with its UIDVALIDITY, ...) from directory dir. An
// empty dir gives a cache that is never saved.
func Open(dir, identity string) *Cache {
	c := &Cache{dir: dir, identity: identity, entries: map[string]*slot{}}
	if payload, ok := cachefile.Read(dir, kind, identity); ok {
		if m, err := decode(payload); err == nil {
			c.entries, c.loaded = m, len(m)
		}
	}
	return c
}

// Len is the number of entries loaded.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	return c.loaded
}

// Get returns the entry of key and marks it used.
func (c *Cache) Get(key string) (Entry, bool) {
	if c == nil {
		return Entry{}, false
	}
	s, ok := c.entries[key]
	if !ok {
		return Entry{}, false
	}
	if !s.used {
		s.used = true
		c.used++
	}
	return s.Entry, true
}

// Put records the entry of key (and marks it used).
func (c *Cache) Put(key string, e Entry) {
	if c == nil {
		return
	}
	if s, ok := c.entries[key]; ok {
		if !s.used {
			c.used++
		}
		s.Entry, s.used = e, true
	} else {
		c.entries[key] = &slot{Entry: e, used: true}
		c.used++
	}
	c.changed = true
}

// Delete forgets key (its message is gone).
func (c *Cache) Delete(key string) {
	if c == nil {
		return
	}
	if s, ok := c.entries[key]; ok {
		if s.used {
			c.used--
		}
		delete(c.entries, key)
		c.changed = true
	}
}

// Save writes the cache when it changed. After a full listing of the
// mailbox (full), only the entries used in this session are kept;
// otherwise the loaded ones are kept too. Save never leaves a partial
// file: it writes a temporary file beside the cache and renames it.
func (c *Cache) Save(full bool) error {
	if c == nil || c.dir == "" {
		return nil
	}
	if !c.changed && (!full || c.used == len(c.entries)) {
		return nil // the same entries as on disk
	}
	// Streamed: a cache of many messages is megabytes, which a buffer
	// built whole would first have to fault in.
	bw := cachefile.Create(c.dir, kind, c.identity)
	if bw == nil {
		return fmt.Errorf("header cache: cannot create a file in %s", c.dir)
	}
	encodeTo(bw, c.entries, full)
	if err := bw.Commit(); err != nil {
		return fmt.Errorf("header cache: %w", err)
	}
	if full {
		for k, s := range c.entries {
			if !s.used {
				delete(c.entries, k)
			}
		}
	}
	c.loaded, c.changed = len(c.entries), false
	return nil
}

// The payload (package cachefile is the file around it): the uvarint
// entry count, then per entry the uvarints of the key length, the size,
// the date (Unix seconds, zig-zag), its zone offset (seconds east of
// UTC, zig-zag) and the header length, followed by key and header.
func encode(m map[string]*slot, identity string, onlyUsed bool) []byte {
	var b bytes.Buffer
	b.Write(cachefile.New(kind, identity, 0))
	encodeTo(&b, m, onlyUsed)
	return b.Bytes()
}

// encodeTo writes the payload of the entries of m (only the used ones
// with onlyUsed) to w.
func encodeTo(w io.Writer, m map[string]*slot, onlyUsed bool) {
	n := 0
	for _, e := range m {
		if !onlyUsed || e.used {
			n++
		}
	}
	b := binary.AppendUvarint(make([]byte, 0, 4096), uint64(n))
	for k, e := range m {
		if onlyUsed && !e.used {
			continue
		}
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = binary.AppendUvarint(b, uint64(e.Size))
		b = binary.AppendVarint(b, e.Date.Unix())
		_, off := e.Date.Zone()
		b = binary.AppendVarint(b, int64(off))
		b = binary.AppendUvarint(b, uint64(len(e.Header)))
		b = append(b, k...)
		b = append(b, e.Header...)
		if len(b) >= 2048 {
			w.Write(b)
			b = b[:0]
		}
	}
	w.Write(b)
}

var errDamaged = errors.New("damaged header cache")

// decode parses a cache file's payload; the headers share its memory.
func decode(p []byte) (map[string]*slot, error) {
	count, k := binary.Uvarint(p)
	if k <= 0 || count > uint64(len(p)) {
		return nil, errDamaged
	}
	p = p[k:]
	m := make(map[string]*slot, count)
	slots := make([]slot, count)
	for i := 0; len(p) > 0; i++ {
		if i >= len(slots) {
			return nil, errDamaged // more entries than counted
		}
		var v [5]uint64
		for j := range v {
			var n int
			if j == 2 || j == 3 {
				var s int64
				s, n = binary.Varint(p)
				v[j] = uint64(s)
			} else {
				v[j], n = binary.Uvarint(p)
			}
			if n <= 0 {
				return nil, errDamaged
			}
			p = p[n:]
		}
		klen, off, hlen := v[0], int64(v[3]), v[4]
		if klen > uint64(len(p)) || hlen > uint64(len(p))-klen || v[1] > 1<<62 || off < -86400 || off > 86400 {
			return nil, errDamaged
		}
		key := string(p[:klen])
		hdr := p[klen : klen+hlen : klen+hlen]
		p = p[klen+hlen:]
		date := time.Unix(int64(v[2]), 0).UTC()
		if off != 0 {
			date = date.In(time.FixedZone("", int(off)))
		}
		slots[i].Entry = Entry{Size: int64(v[1]), Date: date, Header: hdr}
		m[key] = &slots[i]
	}
	return m, nil
}
