package migrate

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// message is one message of the corpus, as an mbox archive holds it.
type message struct {
	box  string // box name below the store's prefix, '/'-separated
	id   string // its Message-ID, with the angle brackets
	note string // what it exercises
	// text is the message as the archive file stores it after its From_
	// line: header section and body, with the archive's line ends and
	// its ">From " quoting, but without the status headers (the archive
	// writer adds those, see meta).
	text []byte
	// hdrEnd is the offset in text of the blank line ending the header,
	// where the writer puts the status headers.
	hdrEnd int
	flags  store.Flags // Seen, Answered, Flagged, Draft as the archive states them
	date   time.Time   // the internal date its From_ line states
	zone   string      // how the From_ line writes the date: "" (local time), "+0200", ...
	// sep is what separates the message from the next From_ line ("\n";
	// "\r\n" after a CRLF message; "" for a last message without a final
	// line end).
	sep string
}

// corpus is a set of boxes and their messages, in archive order.
type corpus struct {
	boxes []string
	msgs  map[string][]*message
}

func (c *corpus) add(m *message) {
	if _, ok := c.msgs[m.box]; !ok {
		c.boxes = append(c.boxes, m.box)
	}
	c.msgs[m.box] = append(c.msgs[m.box], m)
}

func (c *corpus) count() int {
	n := 0
	for _, ms := range c.msgs {
		n += len(ms)
	}
	return n
}

// The folder names: nested four deep, with spaces, with non-ASCII
// characters (none contains '.', which Maildir++ cannot name).
const (
	boxInbox  = "inbox"
	boxSent   = "Sent Items"
	boxDrafts = "Entwürfe"
	boxSummer = "Données/Été 2024"
	boxDeep   = "Projects/FY2024/Q1/Week 1"
	boxIdeas  = "Projects/Ideas"
	boxBig    = "big"
	boxHuge   = "attachments"
)

// Sizes of the heavy parts (issue 4): a box of bigCount messages and one
// message of at least hugeSize bytes.
const (
	bigCount = 10000
	hugeSize = 20 << 20
)

// Message n of the corpus has the internal date baseDate + n*dateStep:
// distinct seconds, all in the past (Dovecot clamps future dates).
var baseDate = time.Date(2019, 3, 4, 5, 6, 7, 0, time.UTC)

const dateStep = time.Hour + 17*time.Minute + 3*time.Second

// zones the From_ lines use in turn; "" means no zone (local time, and
// every mailsync run here has TZ=UTC).
var zones = []string{"", "+0200", "-0500", "+0530"}

// newCorpus builds the corpus; heavy adds the bigCount box and the
// hugeSize message.
func newCorpus(heavy bool) *corpus {
	c := &corpus{msgs: map[string][]*message{}}
	for _, m := range specials() {
		c.add(m)
	}
	for i, box := range []string{boxSent, boxDrafts, boxSummer, boxDeep, boxIdeas} {
		for j := 0; j < 3+i; j++ {
			c.add(simple(box, j, fmt.Sprintf("Note %d in %s", j, box)))
		}
	}
	if heavy {
		for i := 0; i < bigCount; i++ {
			c.add(bigMessage(i))
		}
		c.add(hugeMessage())
		c.add(simple(boxHuge, 1, "small one beside the huge one"))
	}
	n := 0
	for _, box := range c.boxes {
		for _, m := range c.msgs[box] {
			m.flags = flagCombo(n)
			m.date = baseDate.Add(time.Duration(n) * dateStep)
			m.zone = zones[n%len(zones)]
			n++
		}
	}
	// The Drafts box holds drafts.
	for _, m := range c.msgs[boxDrafts] {
		m.flags |= store.Draft
	}
	return c
}

// flagCombo gives message n one of the 16 combinations of the four flags
// that travel.
func flagCombo(n int) store.Flags {
	var f store.Flags
	for i, fl := range []store.Flags{store.Seen, store.Answered, store.Flagged, store.Draft} {
		if n&(1<<i) != 0 {
			f |= fl
		}
	}
	return f
}

// compose joins a header (LF lines, no blank line) and a body with the
// given line end; the body is taken as it is.
func compose(box, id, note, header, eol string, body []byte) *message {
	h := "Message-ID: " + id + "\n" + header
	h = strings.ReplaceAll(h, "\n", eol)
	text := append([]byte(h), eol...)
	text = append(text, body...)
	return &message{box: box, id: id, note: note, text: text, hdrEnd: len(h), sep: eol}
}

func stdHeader(subject string) string {
	return "From: Alice Example <alice@example.org>\n" +
		"To: Bob Example <bob@example.org>\n" +
		"Subject: " + subject + "\n" +
		"Date: Mon, 04 Mar 2019 05:06:07 +0000\n"
}

func simple(box string, n int, subject string) *message {
	id := fmt.Sprintf("<%s.%d@migrate.test>", strings.NewReplacer(" ", "-", "/", ".").Replace(box), n)
	body := fmt.Sprintf("This is message %d of %s.\n\nRegards,\nAlice\n", n, box)
	return compose(box, id, "plain", stdHeader(subject), "\n", []byte(body))
}

// specials are the messages of the inbox, each exercising one thing the
// formats may treat differently.
func specials() []*message {
	id := func(s string) string { return "<" + s + "@migrate.test>" }
	lf := func(s string) []byte { return []byte(s) }
	var all []byte
	for i := 1; i < 256; i++ {
		all = append(all, byte(i))
	}
	var binary []byte
	for r := 0; r < 4; r++ {
		binary = append(binary, all[r*37:]...)
		binary = append(binary, all[:r*37]...)
		binary = append(binary, '\n')
	}
	binary = append(binary, bytes.Repeat([]byte{0xff}, 80)...)
	binary = append(binary, '\n')
	long := strings.Repeat("0123456789", 100) + "X\n" + strings.Repeat("abcdefghij", 500) + "\n" +
		strings.Repeat("k", 100000) + "\n"
	refs := "References:"
	for i := 0; i < 60; i++ {
		refs += fmt.Sprintf(" <ref%02d.long.header.line@migrate.test>", i)
	}
	ms := []*message{
		compose(boxInbox, id("plain"), "plain ASCII", stdHeader("plain"), "\n",
			lf("Hello Bob,\n\nnothing special here.\n")),
		compose(boxInbox, id("utf8"), "8-bit UTF-8 header and body",
			"From: Jürgen Müller <juergen@example.org>\nTo: bob@example.org\nSubject: Grüße aus Köln — ☃\n"+
				"Date: Mon, 04 Mar 2019 05:06:07 +0100\nMIME-Version: 1.0\n"+
				"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n", "\n",
			lf("Schöne Grüße, ça va? 日本語のテキスト.\nZeile zwei: äöüß ÄÖÜ €\n")),
		compose(boxInbox, id("latin1"), "8-bit ISO-8859-1 header and body",
			"From: bob@example.org\nTo: alice@example.org\nSubject: Gr\xfc\xdfe (raw latin-1)\n"+
				"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n", "\n",
			lf("Sch\xf6ne Gr\xfc\xdfe, \xe7a va? \xa9 \xbd\n")),
		compose(boxInbox, id("binary"), "every byte 0x01-0xFF (lone CRs included) in a binary body",
			stdHeader("binary-ish body")+"Content-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n", "\n",
			binary),
		compose(boxInbox, id("longlines"), "lines of 1001, 5000 and 100000 characters",
			stdHeader("long lines"), "\n", lf(long)),
		compose(boxInbox, id("from-mboxo"), "From lines quoted by the archiving MDA (mboxo)",
			stdHeader("quoted From lines"), "\n",
			lf(">From the desk of Alice: the archive quoted this line.\n>From alice@example.org Mon Jan  1 00:00:00 2001\n"+
				">>From twice quoted\nok\n")),
		compose(boxInbox, id("from-raw"), "unquoted body lines starting with From (not valid From_ lines)",
			stdHeader("unquoted From lines"), "\n",
			lf("From the desk of Bob, not quoted in the archive.\nFrom  two spaces\nFromage is cheese\n"+
				"text\nFrom here on\n")),
		compose(boxInbox, id("crlf"), "CRLF line ends throughout (header, blank line, body)",
			stdHeader("CRLF input"), "\r\n", lf("line one\r\nline two\r\n\r\nlast line\r\n")),
		compose(boxInbox, id("mixed-eol"), "LF and CRLF line ends mixed",
			stdHeader("mixed line ends")+"X-Mixed: yes\r\n", "\n", lf("lf line\ncrlf line\r\nlf again\n")),
		compose(boxInbox, id("lone-cr"), "carriage returns not followed by LF, and CR CR LF",
			stdHeader("lone CR"), "\n", lf("carriage\rreturn inside a line\nends with two CRs\r\r\nend\n")),
		compose(boxInbox, id("empty-body"), "a header and no body", stdHeader("empty body"), "\n", nil),
		compose(boxInbox, id("trailing-blank"), "body ending in blank lines",
			stdHeader("trailing blank lines"), "\n", lf("text\n\n\n")),
		compose(boxInbox, id("folded"), "folded headers and a 2,000-character header line",
			stdHeader("folded\n\theader that goes on\n  and on")+refs+"\n", "\n", lf("body\n")),
		compose(boxInbox, id("spaces"), "trailing white space, lone dots",
			stdHeader("white space"), "\n", lf("trailing spaces   \ntrailing tab\t\n.\n..\n \n\t\nend\n")),
		compose(boxInbox, id("lookalike"), "headers and body lines that look like mbox status headers",
			stdHeader("status look-alikes")+"X-Status-Comment: kept\nX-UIDL: 0123abc\nStatusbar: kept\n", "\n",
			lf("Status: RO\nX-Status: A\nX-UID: 12\nX-Keywords: junk\n")),
		compose(boxInbox, id("mime"), "multipart with base64 and quoted-printable parts",
			stdHeader("MIME")+"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n", "\n",
			lf("This is a multi-part message in MIME format.\n--b1\nContent-Type: text/plain; charset=utf-8\n"+
				"Content-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=C3=9Fe=\n soft break\n--b1\n"+
				"Content-Type: application/octet-stream; name=\"x.bin\"\nContent-Transfer-Encoding: base64\n\n"+
				base64.StdEncoding.EncodeToString(binary[:120])+"\n--b1--\n")),
	}
	// The last message of the inbox file has no final line end: only at
	// the end of a file can an mbox hold that.
	last := compose(boxInbox, id("no-final-newline"), "no line end after the last line",
		stdHeader("no final newline"), "\n", lf("the last line has no line end"))
	last.sep = ""
	return append(ms, last)
}

// bigMessage is message i of the bigCount box: small, of varying size.
func bigMessage(i int) *message {
	var b strings.Builder
	fmt.Fprintf(&b, "Message %d of the big box.\n\n", i)
	for k := 0; k < 3+i%25; k++ {
		fmt.Fprintf(&b, "Line %02d of message %05d: the quick brown fox jumps over the lazy dog.\n", k, i)
	}
	return compose(boxBig, fmt.Sprintf("<big.%05d@migrate.test>", i), "big box",
		stdHeader(fmt.Sprintf("big box message %d", i)), "\n", []byte(b.String()))
}

// hugeMessage is a multipart message of at least hugeSize bytes: a base64
// attachment of deterministic random bytes.
func hugeMessage() *message {
	rng := rand.New(rand.NewPCG(4, 20))
	raw := make([]byte, hugeSize*3/4+4096)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	var b bytes.Buffer
	b.WriteString("--huge\nContent-Type: text/plain\n\nA large attachment follows.\n--huge\n" +
		"Content-Type: application/octet-stream; name=\"huge.bin\"\nContent-Transfer-Encoding: base64\n\n")
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteByte('\n')
		enc = enc[76:]
	}
	b.WriteString(enc + "\n--huge--\n")
	return compose(boxHuge, "<huge@migrate.test>", "a message of more than 20 MiB",
		stdHeader("huge")+"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"huge\"\n", "\n", b.Bytes())
}
