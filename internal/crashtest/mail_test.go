package crashtest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
)

// mail is one generated message.
type mail struct {
	id    string    // the Message-ID, with brackets
	raw   []byte    // header and body, LF line ends, no From_ line
	flags string    // Maildir letters, a subset of "FRS"
	date  time.Time // internal date
}

// genMail makes message number n of a world. Every bigEvery-th message
// has a body of about 200 KB, larger than the 64 KB buffers of an mbox
// append, the others a few hundred bytes.
func genMail(r *rand.Rand, tag string, n int) mail {
	const bigEvery = 500
	date := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)
	var b strings.Builder
	id := fmt.Sprintf("<%d.%s@crashtest.example>", n, tag)
	fmt.Fprintf(&b, "From: Sender %d <s%d@example.org>\n", n%97, n%97)
	fmt.Fprintf(&b, "To: rcpt@example.org\n")
	fmt.Fprintf(&b, "Subject: message %d of %s\n", n, tag)
	fmt.Fprintf(&b, "Date: %s\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: %s\n\n", id)
	lines := 3 + r.IntN(8)
	if n%bigEvery == bigEvery-1 {
		lines = 3000
	}
	for i := range lines {
		fmt.Fprintf(&b, "line %d of message %d: %s\n", i, n, strings.Repeat("abcdefghij", 1+r.IntN(6)))
	}
	flags := ""
	for _, l := range "FRS" {
		if r.IntN(3) == 0 {
			flags += string(l)
		}
	}
	return mail{id: id, raw: []byte(b.String()), flags: flags, date: date}
}

// mboxText is m as a message of an mbox file, flags in Status: and
// X-Status: as c-client writes them.
func mboxText(m mail) []byte {
	hdr, body, _ := strings.Cut(string(m.raw), "\n\n")
	st, xst := "O", ""
	if strings.Contains(m.flags, "S") {
		st = "RO"
	}
	if strings.Contains(m.flags, "F") {
		xst += "F"
	}
	if strings.Contains(m.flags, "R") {
		xst += "A"
	}
	return fmt.Appendf(nil, "From sender@example.org %s\n%s\nStatus: %s\nX-Status: %s\n\n%s\n",
		m.date.Format("Mon Jan _2 15:04:05 2006"), hdr, st, xst, body)
}

// writeMbox writes msgs as the mbox file path (0600), making parents.
func writeMbox(path string, msgs []mail) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	var out []byte
	for _, m := range msgs {
		out = append(out, mboxText(m)...)
	}
	return os.WriteFile(path, out, 0o600)
}

// writeMaildir writes msgs into the Maildir dir (cur/ with their flags,
// new/ without), making it.
func writeMaildir(dir string, msgs []mail, folder bool) error {
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
	}
	if folder {
		if err := os.WriteFile(filepath.Join(dir, "maildirfolder"), nil, 0o600); err != nil {
			return err
		}
	}
	for i, m := range msgs {
		name := fmt.Sprintf("%d.M%06dP1Q%d.testhost", m.date.Unix(), i, i)
		p := filepath.Join(dir, "new", name)
		if m.flags != "" {
			p = filepath.Join(dir, "cur", name+":2,"+m.flags)
		}
		if err := os.WriteFile(p, m.raw, 0o600); err != nil {
			return err
		}
		if err := os.Chtimes(p, m.date, m.date); err != nil {
			return err
		}
	}
	return nil
}

// dovecotMsgs converts msgs for dovecot.LoadMessages.
func dovecotMsgs(msgs []mail) []dovecot.Message {
	out := make([]dovecot.Message, len(msgs))
	for i, m := range msgs {
		out[i] = dovecot.Message{Raw: m.raw, Flags: m.flags, Time: m.date, New: m.flags == ""}
	}
	return out
}
