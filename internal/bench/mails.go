package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// Mail is one generated message in the form a server keeps it: no mbox
// From_ line, and the mbox status headers turned into flags.
type Mail struct {
	ID    string    // the Message-ID, with its angle brackets
	From  string    // the envelope sender of the mbox From_ line
	Time  time.Time // the delivery time of the From_ line (INTERNALDATE)
	Flags string    // Maildir flag letters: S (Status: R), R (X-Status: A)
	Raw   []byte    // header and body, LF line ends
}

// ctime is the date format of an mbox From_ line.
const ctime = "Mon Jan _2 15:04:05 2006"

// GenerateMails returns the n messages Generate writes for the same seed,
// in the same order and with the same Message-IDs, each on its own: the
// From_ line and the separating empty line are dropped, and the Status and
// X-Status header lines become Flags. Generating more messages with the
// same seed gives the same first n.
func GenerateMails(n int, seed uint64) ([]Mail, error) {
	g := &generator{
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		t:   time.Date(2023, time.January, 2, 8, 0, 0, 0, time.UTC),
	}
	mails := make([]Mail, 0, n)
	for i := 0; i < n; i++ {
		id := g.render(i)
		m, err := splitRendered(g.sb.String())
		if err != nil {
			return nil, fmt.Errorf("generated message %d: %w", i, err)
		}
		m.ID = id
		mails = append(mails, m)
	}
	return mails, nil
}

// splitRendered turns one rendered mbox message into a Mail (without ID).
func splitRendered(s string) (Mail, error) {
	first, rest, ok := strings.Cut(s, "\n")
	if !ok || !strings.HasPrefix(first, "From ") {
		return Mail{}, fmt.Errorf("no From_ line: %.40q", s)
	}
	sender, date, ok := strings.Cut(strings.TrimPrefix(first, "From "), " ")
	if !ok {
		return Mail{}, fmt.Errorf("bad From_ line %q", first)
	}
	t, err := time.Parse(ctime, date)
	if err != nil {
		return Mail{}, fmt.Errorf("bad From_ line %q: %w", first, err)
	}
	m := Mail{From: sender, Time: t}
	rest = strings.TrimSuffix(rest, "\n") // the separator line
	header, body, _ := strings.Cut(rest, "\n\n")
	var raw bytes.Buffer
	raw.Grow(len(rest))
	for _, line := range strings.SplitAfter(header, "\n") {
		switch {
		case strings.HasPrefix(line, "Status: "):
			if strings.Contains(line[len("Status: "):], "R") {
				m.Flags += "S"
			}
		case strings.HasPrefix(line, "X-Status: "):
			if strings.Contains(line[len("X-Status: "):], "A") {
				m.Flags += "R"
			}
		default:
			raw.WriteString(line)
		}
	}
	raw.WriteString("\n\n")
	raw.WriteString(body)
	m.Raw = raw.Bytes()
	return m, nil
}

// MboxEntry is m as a new message of an mbox file: From_ line, the
// message, an empty line. Generated bodies never have a line starting with
// "From ", so nothing needs quoting.
func (m Mail) MboxEntry() []byte {
	var b bytes.Buffer
	b.Grow(len(m.Raw) + 80)
	fmt.Fprintf(&b, "From %s %s\n", m.From, m.Time.UTC().Format(ctime))
	b.Write(m.Raw)
	if !bytes.HasSuffix(m.Raw, []byte("\n")) {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// messageID returns the Message-ID field of a message header (LF or CRLF
// line ends, folded or not), or "" when it has none. r must start at the
// first header line.
func messageID(r *bufio.Reader) (string, error) {
	var field []byte
	id := ""
	flush := func() {
		if name, value, ok := bytes.Cut(field, []byte(":")); ok && id == "" &&
			bytes.EqualFold(bytes.TrimSpace(name), []byte("Message-ID")) {
			id = string(bytes.TrimSpace(value))
		}
		field = field[:0]
	}
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// An overlong header line: keep its start.
			line = append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				_, err = r.ReadSlice('\n')
			}
		}
		text := bytes.TrimRight(line, "\r\n")
		switch {
		case len(text) == 0:
			flush()
			return id, nil
		case text[0] == ' ' || text[0] == '\t':
			field = append(field, text...)
		default:
			flush()
			field = append(field, text...)
		}
		if err != nil {
			flush()
			if err == io.EOF {
				return id, nil
			}
			return id, err
		}
	}
}
