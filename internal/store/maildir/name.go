package maildir

import (
	"os"
	"sort"
	"strconv"
	"strings"

	gomaildir "github.com/emersion/go-maildir"

	"github.com/mailsync/mailsync/internal/store"
)

// infoSep separates a message's unique part from its info ("UNIQUE:2,FS").
const infoSep = ':'

// flagLetters maps the info letters to store flags (Maildir spec; T is
// "trashed", which IMAP servers such as Dovecot show as \Deleted).
var flagLetters = []struct {
	letter gomaildir.Flag
	flag   store.Flags
}{
	{gomaildir.FlagDraft, store.Draft},
	{gomaildir.FlagFlagged, store.Flagged},
	{gomaildir.FlagReplied, store.Answered},
	{gomaildir.FlagSeen, store.Seen},
	{gomaildir.FlagTrashed, store.Deleted},
}

// file is one message file of a Maildir, its name parsed.
type file struct {
	sub  string // "new" or "cur"
	name string // the file name on disk
	uniq string // the unique part: name up to the info separator
	// info is what follows ":2," ("" when the name has no such info).
	info string
	// sec, usec: the delivery time in uniq (0 when it has none).
	sec, usec int64
	// size, vsize: the S= and W= fields of uniq, -1 when absent.
	size, vsize int64
}

// parseName parses a message file name found in sub ("new" or "cur").
func parseName(sub, name string) file {
	f := file{sub: sub, name: name, uniq: name, size: -1, vsize: -1}
	if i := strings.IndexByte(name, infoSep); i >= 0 {
		f.uniq = name[:i]
		if rest := name[i+1:]; strings.HasPrefix(rest, "2,") {
			f.info = rest[2:]
		}
	}
	base, fields, _ := strings.Cut(f.uniq, ",")
	secPart, rest, _ := strings.Cut(base, ".")
	if n, err := strconv.ParseInt(secPart, 10, 64); err == nil && n >= 0 {
		f.sec = n
		delivery, _, _ := strings.Cut(rest, ".")
		f.usec = microseconds(delivery)
	}
	for fields != "" {
		var fld string
		fld, fields, _ = strings.Cut(fields, ",")
		if v, ok := strings.CutPrefix(fld, "S="); ok {
			f.size = nonNegative(v)
		} else if v, ok := strings.CutPrefix(fld, "W="); ok {
			f.vsize = nonNegative(v)
		}
	}
	return f
}

// microseconds returns the number after "M" in a delivery identifier such
// as "M123456P789Q1" (Dovecot, Courier, this package), 0 when there is none.
func microseconds(delivery string) int64 {
	for i := 0; i < len(delivery); i++ {
		if delivery[i] != 'M' {
			continue
		}
		j := i + 1
		for j < len(delivery) && '0' <= delivery[j] && delivery[j] <= '9' {
			j++
		}
		if n, err := strconv.ParseInt(delivery[i+1:j], 10, 64); err == nil {
			return n
		}
	}
	return 0
}

func nonNegative(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// flags returns the store flags of the file.
func (f file) flags() store.Flags {
	var out store.Flags
	for _, l := range flagLetters {
		if strings.ContainsRune(f.info, rune(l.letter)) {
			out |= l.flag
		}
	}
	if f.sub == "new" {
		out |= store.Recent
	}
	return out
}

// before reports whether f comes before g in mailbox order.
func (f *file) before(g *file) bool {
	if f.sec != g.sec {
		return f.sec < g.sec
	}
	if f.usec != g.usec {
		return f.usec < g.usec
	}
	if f.uniq != g.uniq {
		return f.uniq < g.uniq
	}
	return f.sub < g.sub // "cur" before "new"
}

// sortFiles puts files in mailbox order.
func sortFiles(fs []file) { sort.Sort(byOrder(fs)) }

// byOrder sorts files in mailbox order, comparing them in place.
type byOrder []file

func (o byOrder) Len() int           { return len(o) }
func (o byOrder) Less(i, j int) bool { return o[i].before(&o[j]) }
func (o byOrder) Swap(i, j int)      { o[i], o[j] = o[j], o[i] }

// trashed reports whether the info has T (\Deleted).
func (f *file) trashed() bool { return strings.IndexByte(f.info, 'T') >= 0 }

// letters returns the info letters for flags (CopiedFlags only).
func letters(flags store.Flags) string {
	var b []byte
	for _, l := range flagLetters {
		if flags&l.flag != 0 {
			b = append(b, byte(l.letter))
		}
	}
	return string(b)
}

// addLetter returns info with letter added, letters in ASCII order and
// without repeats, as the Maildir specification asks.
func addLetter(info string, letter byte) string {
	b := []byte(info + string(letter))
	sort.Slice(b, func(i, j int) bool { return b[i] < b[j] })
	out := b[:0]
	for i, c := range b {
		if i == 0 || c != b[i-1] {
			out = append(out, c)
		}
	}
	return string(out)
}

// stamp is a delivery time with microsecond resolution.
type stamp struct{ sec, usec int64 }

func (s stamp) after(t stamp) bool {
	return s.sec > t.sec || s.sec == t.sec && s.usec > t.usec
}

// next returns the stamp one microsecond later.
func (s stamp) next() stamp {
	if s.usec >= 999999 {
		return stamp{s.sec + 1, 0}
	}
	return stamp{s.sec, s.usec + 1}
}

// hostPart is the host name for unique parts, with "/" and ":" escaped as
// the Maildir specification asks (and "," too, which starts a field).
func hostPart(host string) string {
	if host == "" {
		host, _ = os.Hostname()
	}
	if host == "" {
		host = "localhost"
	}
	return strings.NewReplacer("/", `\057`, ":", `\072`, ",", `\054`).Replace(host)
}
