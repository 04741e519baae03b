package msinfo

import (
	"io"
	"sort"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
)

// State maps a box name to the ids recorded for it: msgid form "<a@b>" or,
// in md5 mode, the md5 hex string.
type State map[string][]string

const md5Marker = ">, md5: <"

// Parse reads the body of a channel message
// (doc/design/behaviour.md#reading-the-msinfo). Lines end with LF or CRLF
// (doc/design/decisions.md#d6-imap-msinfo). In md5 mode id lines without the
// md5 marker are left out and given to note as store.MissingMD5 (nil:
// not reported).
// The box names and ids are substrings of one copy of body, and the lists of
// ids of all boxes are pieces of one list, as long as body has lines: a few
// allocations, not one per id, and no list grown by doubling.
func Parse(body []byte, md5 bool, note func(store.Note)) State {
	s := State{}
	text := string(body)
	all := make([]string, 0, strings.Count(text, "\n"))
	box, start := "", 0
	// flush gives the ids read since start to box (a piece of all whose
	// capacity ends with it, so that appending to it copies).
	flush := func() {
		if ids := all[start:len(all):len(all)]; len(ids) > 0 {
			if s[box] == nil {
				s[box] = ids
			} else {
				s[box] = append(s[box], ids...) // a box named twice
			}
		}
		start = len(all)
	}
	for {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			break
		}
		line := text[:i]
		text = text[i+1:]
		line = strings.TrimSuffix(line, "\r")
		if len(line) == 0 || line[0] != '<' {
			flush()
			box = line
			if _, ok := s[box]; !ok {
				s[box] = nil
			}
			continue
		}
		var id string
		if md5 {
			j := strings.Index(line, md5Marker)
			if j < 0 {
				if note != nil {
					note(store.MissingMD5{Line: line})
				}
				continue
			}
			rest := line[j+len(md5Marker):]
			if k := strings.IndexByte(rest, '>'); k >= 0 {
				id = rest[:k]
			} else {
				id = rest
			}
		} else {
			// 5.2.7 cuts after the first '>'; without one nothing is left.
			if k := strings.IndexByte(line, '>'); k >= 0 {
				id = line[:k+1]
			}
		}
		if len(id) > 0 {
			all = append(all, id)
		}
	}
	flush()
	return s
}

// Body formats the body of a channel message: boxes and ids in byte order.
func Body(s State, md5 bool) []byte {
	b, _ := io.ReadAll(newMessageReader("", s, md5))
	return b
}

// WriteBody writes what Body returns to w, a few kilobytes at a time (a
// digest of a large state without the state formatted whole in memory).
func WriteBody(w io.Writer, s State, md5 bool) error {
	_, err := io.Copy(w, newMessageReader("", s, md5))
	return err
}

// Format returns the whole channel message (doc/design/behaviour.md#msinfo-format).
func Format(channel string, s State, md5 bool) []byte {
	b, _ := io.ReadAll(newMessageReader(header(channel), s, md5))
	return b
}

// header is the header of a channel message (doc/design/behaviour.md#msinfo-format).
func header(channel string) string { return "From: mailsync\nSubject: " + channel + "\n\n" }

// messageReader yields a channel message (prefix, then the body Body
// formats) a few kilobytes at a time, so that a state of many ids is
// written without being formatted whole in memory.
type messageReader struct {
	pend  []byte // formatted, not yet read
	buf   []byte
	s     State
	md5   bool
	boxes []string // in byte order
	next  int      // the next box of boxes to start
	ids   []string // the ids of the current box not yet formatted
}

func newMessageReader(prefix string, s State, md5 bool) *messageReader {
	r := &messageReader{s: s, md5: md5, buf: make([]byte, 0, 16<<10)}
	r.buf = append(r.buf, prefix...)
	r.pend = r.buf
	r.boxes = make([]string, 0, len(s))
	for k := range s {
		r.boxes = append(r.boxes, k)
	}
	sort.Strings(r.boxes)
	return r
}

func (r *messageReader) Read(p []byte) (int, error) {
	if len(r.pend) == 0 {
		r.fill()
		if len(r.pend) == 0 {
			return 0, io.EOF
		}
	}
	n := copy(p, r.pend)
	r.pend = r.pend[n:]
	return n, nil
}

// fill formats the next lines, about a buffer's worth.
func (r *messageReader) fill() {
	b := r.buf[:0]
	for len(b) < cap(r.buf)-1024 {
		switch {
		case len(r.ids) > 0:
			if r.md5 {
				b = append(b, "<>, md5: <"...)
				b = append(b, r.ids[0]...)
				b = append(b, ">\n"...)
			} else {
				b = append(b, r.ids[0]...)
				b = append(b, '\n')
			}
			r.ids = r.ids[1:]
		case r.next < len(r.boxes):
			box := r.boxes[r.next]
			r.next++
			b = append(b, box...)
			b = append(b, '\n')
			r.ids = r.s[box]
			if !sort.StringsAreSorted(r.ids) {
				r.ids = append([]string(nil), r.ids...)
				sort.Strings(r.ids)
			}
		default:
			r.buf, r.pend = b, b
			return
		}
	}
	r.buf, r.pend = b, b
}
