package msinfo

import (
	"bytes"
	"fmt"
	"io"
	"sort"
)

// State maps a box name to the ids recorded for it: msgid form "<a@b>" or,
// in md5 mode, the md5 hex string.
type State map[string][]string

var md5Marker = []byte(">, md5: <")

// Parse reads the body of a channel message (spec 6.3 steps 4-5). Lines end
// with LF or CRLF (D6). In md5 mode id lines without the md5 marker are
// reported on warn as "Warning: line is missing a md5: LINE".
func Parse(body []byte, md5 bool, warn io.Writer) State {
	s := State{}
	box := ""
	for {
		i := bytes.IndexByte(body, '\n')
		if i < 0 {
			break
		}
		line := body[:i]
		body = body[i+1:]
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(line) == 0 || line[0] != '<' {
			box = string(line)
			if _, ok := s[box]; !ok {
				s[box] = nil
			}
			continue
		}
		var id []byte
		if md5 {
			j := bytes.Index(line, md5Marker)
			if j < 0 {
				if warn != nil {
					fmt.Fprintf(warn, "Warning: line is missing a md5: %s\n", line)
				}
				continue
			}
			rest := line[j+len(md5Marker):]
			if k := bytes.IndexByte(rest, '>'); k >= 0 {
				id = rest[:k]
			} else {
				id = rest
			}
		} else {
			// 5.2.7 cuts after the first '>'; without one nothing is left.
			if k := bytes.IndexByte(line, '>'); k >= 0 {
				id = line[:k+1]
			}
		}
		if len(id) > 0 {
			s[box] = append(s[box], string(id))
		}
	}
	return s
}

// Body formats the body of a channel message: boxes and ids in byte order.
func Body(s State, md5 bool) []byte {
	var b bytes.Buffer
	boxes := make([]string, 0, len(s))
	for k := range s {
		boxes = append(boxes, k)
	}
	sort.Strings(boxes)
	for _, box := range boxes {
		b.WriteString(box)
		b.WriteByte('\n')
		ids := append([]string(nil), s[box]...)
		sort.Strings(ids)
		for _, id := range ids {
			if md5 {
				fmt.Fprintf(&b, "<>, md5: <%s>\n", id)
			} else {
				b.WriteString(id)
				b.WriteByte('\n')
			}
		}
	}
	return b.Bytes()
}

// Format returns the whole channel message (spec 6.2).
func Format(channel string, s State, md5 bool) []byte {
	return append([]byte("From: mailsync\nSubject: "+channel+"\n\n"), Body(s, md5)...)
}
