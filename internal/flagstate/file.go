package flagstate

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mailsync/mailsync/internal/atomicfile"
	"github.com/mailsync/mailsync/internal/msinfo"
)

// The flag state file (doc/design/flags.md, "The flag state file"):
//
//	mailsync flag state 1       (2 when a box has keyword records)
//	channel "NAME" HEX          one generation: the records written
//	box "BOX" N                 with the msinfo state whose body has
//	N record bytes, then LF     SHA-256 HEX; its boxes follow
//	keywords M                  version 2, a box with keyword records:
//	M bytes, then LF            N lines, "-" or "+" and the keywords
//	...
//	end
//	CRC-32C of all the above, 4 bytes big endian
//
// Names are Go-quoted. A channel has one or two generations (two while
// a run writes its msinfo: Commit order). A file that is missing,
// damaged (checksum, syntax) or of another version holds no records.
// Version 2 is written only when some box has keyword records, so a
// channel whose keywords are not synchronised keeps a version 1 file,
// which builds before keywords read; they read a version 2 file as one
// of another version (no records: the union, which loses nothing).

const (
	magic  = "mailsync flag state 1\n"
	magic2 = "mailsync flag state 2\n"
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// LocalPath is the flag state file of the msinfo file at path.
func LocalPath(msinfoPath string) string { return msinfoPath + ".flags" }

// RemotePath is the flag state file, in directory dir (the user's
// ~/.mailsync.d), of the msinfo on a server with c-client name name.
func RemotePath(dir, name string) string {
	sum := sha256.Sum256([]byte(name))
	return filepath.Join(dir, "flags", hex.EncodeToString(sum[:16]))
}

// Generation is a channel's msinfo state, its digest (DigestOf) and the
// records written with it: flags, and keywords for the boxes whose
// keywords were synchronised.
type Generation struct {
	Digest   Digest
	State    msinfo.State
	Records  Records
	Keywords KeywordRecords
}

// Digest identifies an msinfo state: the SHA-256 of its body as the
// msinfo holds it (msinfo.Body: ids in byte order), so a state read back
// from the msinfo has the digest of the state written.
type Digest [32]byte

// DigestOf returns the digest of state s (md5: the channel's ids are
// md5 sums).
func DigestOf(s msinfo.State, md5 bool) Digest {
	h := sha256.New()
	msinfo.WriteBody(h, s, md5) // a hash takes every byte
	var d Digest
	h.Sum(d[:0])
	return d
}

// section is one generation as the file holds it.
type section struct {
	channel  string
	digest   Digest
	boxes    map[string][]byte
	keywords map[string][]string
}

// Load returns the records of channel for its msinfo state last, whose
// digest is d: those of the generation written with last, for each box
// whose ids are in byte order; none when the file has no such generation
// (a run with flags off, or 5.2.7, wrote the msinfo since), is missing
// or damaged.
func Load(path, channel string, d Digest, last msinfo.State) Records {
	recs, _ := LoadWithKeywords(path, channel, d, last)
	return recs
}

// LoadWithKeywords is Load, with the keyword records of the boxes that
// have them (and flag records).
func LoadWithKeywords(path, channel string, d Digest, last msinfo.State) (Records, KeywordRecords) {
	secs, err := read(path)
	if err != nil {
		return nil, nil
	}
	for _, s := range secs {
		if s.channel != channel || s.digest != d {
			continue
		}
		recs, kws := Records{}, KeywordRecords{}
		for box, b := range s.boxes {
			if ids, ok := last[box]; ok && len(ids) == len(b) && sort.StringsAreSorted(ids) {
				recs[box] = b
				if k, ok := s.keywords[box]; ok && len(k) == len(b) {
					kws[box] = k
				}
			}
		}
		return recs, kws
	}
	return nil, nil
}

// Save replaces the generations of channel in the file at path with
// gens, keeping the other channels' (a damaged file is replaced whole),
// atomically: a temporary file beside it, fsynced, renamed over it, the
// directory fsynced. A box's records are written when they match its
// ids (one per id, the ids in byte order). A file that would not change
// is not written. The caller holds the msinfo's lock, which keeps other
// runs from the file.
func Save(path, channel string, gens ...Generation) error {
	old, _ := os.ReadFile(path)
	secs, _ := parse(old)
	secs = slices.DeleteFunc(secs, func(s section) bool { return s.channel == channel })
	for _, g := range gens {
		s := section{channel: channel, digest: g.Digest, boxes: map[string][]byte{}, keywords: map[string][]string{}}
		if slices.ContainsFunc(secs, func(o section) bool { return o.channel == channel && o.digest == s.digest }) {
			continue
		}
		for box, b := range g.Records {
			if ids, ok := g.State[box]; ok && len(ids) == len(b) && sort.StringsAreSorted(ids) {
				s.boxes[box] = b
				if k, ok := g.Keywords[box]; ok && len(k) == len(b) {
					s.keywords[box] = k
				}
			}
		}
		secs = append(secs, s)
	}
	data := encode(secs)
	if bytes.Equal(data, old) {
		return nil // a run that changed nothing writes nothing
	}
	return writeAtomic(path, data)
}

// encode returns the file's content for secs.
func encode(secs []section) []byte {
	b := []byte(magic)
	if slices.ContainsFunc(secs, func(s section) bool { return len(s.keywords) > 0 }) {
		b = []byte(magic2)
	}
	for _, s := range secs {
		b = fmt.Appendf(b, "channel %s %s\n", strconv.Quote(s.channel), hex.EncodeToString(s.digest[:]))
		boxes := make([]string, 0, len(s.boxes))
		for box := range s.boxes {
			boxes = append(boxes, box)
		}
		sort.Strings(boxes)
		for _, box := range boxes {
			b = fmt.Appendf(b, "box %s %d\n", strconv.Quote(box), len(s.boxes[box]))
			b = append(append(b, s.boxes[box]...), '\n')
			if k, ok := s.keywords[box]; ok {
				b = appendKeywords(b, k)
			}
		}
	}
	b = append(b, "end\n"...)
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

var errDamaged = errors.New("damaged flag state")

// read returns the sections of the file at path.
func read(path string) ([]section, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parse(data)
}

// parse returns the sections of a file's content.
func parse(data []byte) ([]section, error) {
	if len(data) < 4 {
		return nil, errDamaged
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, crcTable) != binary.BigEndian.Uint32(data[len(data)-4:]) ||
		!bytes.HasPrefix(body, []byte(magic)) && !bytes.HasPrefix(body, []byte(magic2)) {
		return nil, errDamaged
	}
	v2 := bytes.HasPrefix(body, []byte(magic2))
	p := parser{rest: body[len(magic):]}
	var secs []section
	for {
		switch {
		case p.word("end\n"):
			if len(p.rest) != 0 {
				return nil, errDamaged
			}
			return secs, nil
		case p.word("channel "):
			s := section{boxes: map[string][]byte{}, keywords: map[string][]string{}}
			var hx string
			if !p.quoted(&s.channel) || !p.word(" ") || !p.field(&hx) {
				return nil, errDamaged
			}
			if d, err := hex.DecodeString(hx); err != nil || len(d) != len(s.digest) {
				return nil, errDamaged
			} else {
				copy(s.digest[:], d)
			}
			secs = append(secs, s)
		case p.word("box ") && len(secs) > 0:
			var box, num string
			if !p.quoted(&box) || !p.word(" ") || !p.field(&num) {
				return nil, errDamaged
			}
			n, err := strconv.Atoi(num)
			if err != nil || n < 0 || n >= len(p.rest) || p.rest[n] != '\n' {
				return nil, errDamaged
			}
			secs[len(secs)-1].boxes[box] = slices.Clone(p.rest[:n])
			p.rest = p.rest[n+1:]
			if v2 && p.word("keywords ") {
				k, ok := p.keywords(n)
				if !ok {
					return nil, errDamaged
				}
				secs[len(secs)-1].keywords[box] = k
			}
		default:
			return nil, errDamaged
		}
	}
}

// parser reads the file's lines.
type parser struct{ rest []byte }

// word consumes w if the rest starts with it.
func (p *parser) word(w string) bool {
	if !bytes.HasPrefix(p.rest, []byte(w)) {
		return false
	}
	p.rest = p.rest[len(w):]
	return true
}

// quoted consumes a Go-quoted string into s.
func (p *parser) quoted(s *string) bool {
	q, err := strconv.QuotedPrefix(string(p.rest[:min(len(p.rest), 64<<10)]))
	if err != nil {
		return false
	}
	v, err := strconv.Unquote(q)
	if err != nil {
		return false
	}
	*s, p.rest = v, p.rest[len(q):]
	return true
}

// field consumes the rest of the line into s.
func (p *parser) field(s *string) bool {
	i := bytes.IndexByte(p.rest, '\n')
	if i < 0 {
		return false
	}
	*s, p.rest = string(p.rest[:i]), p.rest[i+1:]
	return true
}

// writeAtomic replaces path with data (package atomicfile), making a
// missing directory (0700).
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write flag state %s: %w", path, err)
	}
	if err := atomicfile.Write(path, "."+filepath.Base(path)+".tmp-*", func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		return fmt.Errorf("write flag state %s: %w", path, err)
	}
	return nil
}

// Forget drops the records of channel from the file at path, if it has
// any (a run with flags off wrote the msinfo: the records no longer
// describe what both sides agreed on; doc/design/flags.md, "Switching
// off and on"). A missing or damaged file is left alone.
func Forget(path, channel string) error {
	secs, err := read(path)
	if err != nil || !slices.ContainsFunc(secs, func(s section) bool { return s.channel == channel }) {
		return nil
	}
	secs = slices.DeleteFunc(secs, func(s section) bool { return s.channel == channel })
	return writeAtomic(path, encode(secs))
}

// appendKeywords appends a box's keyword records k: "keywords M", then M
// bytes of one line per record ("-" for none), then a line end.
func appendKeywords(b []byte, k []string) []byte {
	var block []byte
	for _, r := range k {
		if _, ok := RecordedKeywords(r); ok {
			block = append(block, r...)
		} else {
			block = append(block, '-')
		}
		block = append(block, '\n')
	}
	b = fmt.Appendf(b, "keywords %d\n", len(block))
	return append(append(b, block...), '\n')
}

// keywords consumes a box's keyword block (after "keywords "): n records,
// each "-" (none) or "+" and valid keywords in their canonical form.
func (p *parser) keywords(n int) ([]string, bool) {
	var num string
	if !p.field(&num) {
		return nil, false
	}
	size, err := strconv.Atoi(num)
	if err != nil || size < 0 || size >= len(p.rest) || p.rest[size] != '\n' {
		return nil, false
	}
	block := p.rest[:size]
	p.rest = p.rest[size+1:]
	lines := strings.Split(string(block), "\n")
	if len(lines) != n+1 || lines[n] != "" {
		return nil, false
	}
	out := lines[:n]
	for i, r := range out {
		if r == "-" {
			out[i] = ""
			continue
		}
		k, ok := RecordedKeywords(r)
		if !ok || !k.Canonical() {
			return nil, false
		}
	}
	return out, true
}
