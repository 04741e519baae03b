package imap

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
)

// The -di trace is taken at the connection (doc/design/servers.md, "The
// trace"): what is sent is traced before it goes out, what is read as it
// arrives, so a reply never shows before its command. go-imap's own
// DebugWriter writes a command to the socket first and to the trace
// second, and its reader may trace the reply in between.

// connTrace tees one connection's dialogue into the store's trace.
type connTrace struct {
	in, out *traceSide
	sent    outbound // only Write (one command at a time) uses it
}

// newConnTrace returns the tee of a connection, nil without a trace.
func newConnTrace(m *maskingWriter) *connTrace {
	if m == nil {
		return nil
	}
	return &connTrace{in: m.side(), out: m.side()}
}

// outbound follows the bytes sent, command lines and the literals they
// announce, so that only whole command lines are ever rewritten, never a
// message being appended.
type outbound struct {
	lit  int64  // literal bytes still to come
	mid  bool   // the current line began in an earlier write
	tail []byte // the last bytes of the current line (a literal's {N})
}

// rewrite returns b with every whole STATUS command line in it put in
// statusOrder (b itself when none is), and follows b. The length never
// changes: items are only reordered.
func (o *outbound) rewrite(b []byte) []byte {
	out := b
	for i := 0; i < len(b); {
		if o.lit > 0 {
			n := min(int64(len(b)-i), o.lit)
			o.lit -= n
			i += int(n)
			continue
		}
		end := bytes.IndexByte(b[i:], '\n')
		if end < 0 {
			o.keepTail(b[i:])
			o.mid = true
			return out
		}
		line := b[i : i+end+1]
		if !o.mid {
			if fixed, ok := statusInOrder(line); ok {
				if &out[0] == &b[0] {
					out = bytes.Clone(b)
				}
				copy(out[i:], fixed)
			}
		}
		o.keepTail(line)
		if n, ok := literalAtEnd(o.tail); ok {
			o.lit = n
		}
		o.tail, o.mid = o.tail[:0], false
		i += end + 1
	}
	return out
}

// keepTail keeps the last tailLen bytes of the current line.
func (o *outbound) keepTail(seg []byte) {
	o.tail = append(o.tail, seg...)
	if over := len(o.tail) - tailLen; over > 0 {
		o.tail = append(o.tail[:0], o.tail[over:]...)
	}
}

// statusLine is a STATUS command whose item list ends the line.
var statusLine = regexp.MustCompile(`^\S+ (?i:STATUS) .*\(([A-Za-z0-9 -]+)\)\r\n$`)

// statusOrder is the order STATUS items are sent in: c-client's
// (imap_status) for the ones it asks, then the others by name. go-imap
// takes them from a map, in a different order each time.
var statusOrder = []string{"MESSAGES", "RECENT", "UNSEEN", "UIDNEXT", "UIDVALIDITY"}

// statusInOrder returns line with its STATUS items in statusOrder, false
// when line is no such command.
func statusInOrder(line []byte) ([]byte, bool) {
	m := statusLine.FindSubmatchIndex(line)
	if m == nil {
		return nil, false
	}
	items := strings.Fields(string(line[m[2]:m[3]]))
	rank := func(s string) int {
		if i := slices.Index(statusOrder, strings.ToUpper(s)); i >= 0 {
			return i
		}
		return len(statusOrder)
	}
	slices.SortStableFunc(items, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	fixed := append(bytes.Clone(line[:m[2]]), strings.Join(items, " ")...)
	fixed = append(fixed, line[m[3]:]...)
	if len(fixed) != len(line) {
		return nil, false // items separated by more than one space: left as they are
	}
	return fixed, true
}
