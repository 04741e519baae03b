package bench

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// Corpus describes a generated mbox.
type Corpus struct {
	// IDs holds the Message-ID of every message, in mailbox order.
	IDs []string
	// Bytes is the size of the mbox file written.
	Bytes int64
}

// Size distribution: log-normal around a median of 10 KB, which gives a mean
// of about 18 KB; a few messages are large (attachments), none above maxSize.
const (
	medianSize = 10_000
	sigmaSize  = 1.1
	minSize    = 1_200
	maxSize    = 600_000
)

var (
	firstNames = []string{"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi",
		"Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor",
		"Walter", "Yasmin", "Zoë", "Łukasz", "Søren", "Amélie"}
	lastNames = []string{"Martin", "Chen", "Dubois", "Walsh", "Natarajan", "Lindqvist", "Okafor",
		"Schmidt", "García", "Rossi", "Kowalski", "Tanaka", "Novak", "Hughes", "Silva", "Meyer"}
	domains = []string{"example.org", "example.com", "example.net", "mail.example.org",
		"corp.example.com", "lists.example.org", "uni.example.edu"}
	subjects = []string{"quarterly report", "Lunch on Friday?", "build failure on main",
		"meeting notes", "invoice", "draft for review", "holiday plans", "server migration",
		"release checklist", "your order has shipped", "minutes of the board meeting",
		"question about the API", "photos from the trip", "conference travel", "new office keys",
		"patch: fix off-by-one in parser", "weekly status", "password expiry notice"}
	words = strings.Fields(`the of and to in is that for it as with was on be at by this
		have from or one had not but what all were when we there can an your which their said
		if do will each about how up out them then she many some so these would other into has
		more her two like him see time could no make than first been its who now people my made
		over did down only way find use may water long little very after words called just where
		most know mailbox message server folder sync release build test report meeting draft
		schedule budget invoice review patch version client network backup archive quarter`)
	attachments = []struct{ name, ctype string }{
		{"report.pdf", "application/pdf"}, {"photo.jpg", "image/jpeg"},
		{"summary.ods", "application/vnd.oasis.opendocument.spreadsheet"},
		{"logs.tar.gz", "application/gzip"}, {"slides.pdf", "application/pdf"},
	}
)

// Generate writes an mbox of n messages to w, the same bytes for the same n
// and seed. Body lines that begin with "From " are written as ">From ", as an
// mbox writer does.
func Generate(w io.Writer, n int, seed uint64) (Corpus, error) {
	g := &generator{
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		t:   time.Date(2023, time.January, 2, 8, 0, 0, 0, time.UTC),
	}
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 256<<10)
	c := Corpus{IDs: make([]string, 0, n)}
	for i := 0; i < n; i++ {
		id := g.message(bw, i)
		c.IDs = append(c.IDs, id)
	}
	if err := bw.Flush(); err != nil {
		return c, err
	}
	c.Bytes = cw.n
	return c, cw.err
}

type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

type generator struct {
	rng *rand.Rand
	t   time.Time
	sb  strings.Builder
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

type person struct{ name, addr string }

func (g *generator) person() person {
	first, last := g.pick(firstNames), g.pick(lastNames)
	local := strings.ToLower(asciiFold(first) + "." + asciiFold(last))
	return person{first + " " + last, local + "@" + g.pick(domains)}
}

// asciiFold keeps ASCII letters only, for the local part of an address.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// message writes message i and returns its Message-ID.
func (g *generator) message(w *bufio.Writer, i int) string {
	id := g.render(i)
	w.WriteString(g.sb.String())
	return id
}

// render builds message i in mbox form (From_ line, header, body, the
// separating empty line) in g.sb and returns its Message-ID.
func (g *generator) render(i int) string {
	g.t = g.t.Add(time.Duration(1+g.rng.IntN(180)) * time.Minute)
	date := g.t
	from, to := g.person(), g.person()
	id := fmt.Sprintf("<%s.%06d.%08x@%s>", date.Format("20060102150405"), i, g.rng.Uint32(), strings.SplitN(from.addr, "@", 2)[1])
	target := int(math.Exp(math.Log(medianSize) + sigmaSize*g.rng.NormFloat64()))
	target = min(max(target, minSize), maxSize)

	g.sb.Reset()
	h := &g.sb
	// From_ line: ctime format, day of month padded with a space.
	fmt.Fprintf(h, "From %s %s\n", from.addr, date.Format("Mon Jan _2 15:04:05 2006"))
	fmt.Fprintf(h, "Return-Path: <%s>\n", from.addr)
	for hop := 0; hop < 2+g.rng.IntN(4); hop++ {
		t := date.Add(-time.Duration(hop*7) * time.Second)
		fmt.Fprintf(h, "Received: from mx%d.%s (mx%d.%s [192.0.2.%d])\n\tby mail.example.net (Postfix) with ESMTPS id %08X%04X;\n\t%s\n",
			hop+1, g.pick(domains), hop+1, g.pick(domains), 1+g.rng.IntN(250),
			g.rng.Uint32(), g.rng.IntN(1<<16), t.Format(time.RFC1123Z))
	}
	fmt.Fprintf(h, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=mail;\n\tbh=%s;\n\tb=%s\n",
		strings.SplitN(from.addr, "@", 2)[1], g.b64(32), g.b64(96))
	fmt.Fprintf(h, "From: %s <%s>\n", encodeWord(from.name), from.addr)
	fmt.Fprintf(h, "To: %s <%s>\n", encodeWord(to.name), to.addr)
	if g.rng.IntN(3) == 0 {
		cc := g.person()
		fmt.Fprintf(h, "Cc: %s <%s>\n", encodeWord(cc.name), cc.addr)
	}
	subject := g.pick(subjects)
	if g.rng.IntN(3) == 0 {
		subject = "Re: " + subject
	}
	fmt.Fprintf(h, "Subject: %s #%d\n", subject, i)
	fmt.Fprintf(h, "Date: %s\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(h, "Message-ID: %s\n", id)
	if strings.HasPrefix(subject, "Re: ") && i > 0 {
		parent := fmt.Sprintf("<parent.%06d@%s>", g.rng.IntN(i), g.pick(domains))
		fmt.Fprintf(h, "In-Reply-To: %s\nReferences: %s\n", parent, parent)
	}
	if g.rng.IntN(4) == 0 {
		fmt.Fprintf(h, "List-Id: <team.%s>\n", g.pick(domains))
	}
	switch g.rng.IntN(4) {
	case 0:
		h.WriteString("Status: RO\n")
	case 1:
		h.WriteString("Status: R\nX-Status: A\n")
	}
	h.WriteString("MIME-Version: 1.0\n")

	rest := target - h.Len()
	if rest > 6_000 && g.rng.IntN(5) < 2 {
		boundary := fmt.Sprintf("=_%016x", g.rng.Uint64())
		fmt.Fprintf(h, "Content-Type: multipart/mixed; boundary=\"%s\"\n\n", boundary)
		h.WriteString("This is a multi-part message in MIME format.\n\n")
		fmt.Fprintf(h, "--%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n", boundary)
		textLen := 500 + g.rng.IntN(2000)
		g.text(h, textLen)
		a := attachments[g.rng.IntN(len(attachments))]
		fmt.Fprintf(h, "\n--%s\nContent-Type: %s; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n",
			boundary, a.ctype, a.name, a.name)
		g.base64Lines(h, target-h.Len()-len(boundary)-8)
		fmt.Fprintf(h, "--%s--\n", boundary)
	} else {
		h.WriteString("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n")
		g.text(h, rest-80)
	}
	h.WriteString("\n") // the separator line before the next From_ line
	return id
}

func (g *generator) b64(n int) string {
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = byte(g.rng.Uint32())
	}
	return base64.StdEncoding.EncodeToString(buf)
}

// base64Lines writes about n bytes of base64 in 76-column lines.
func (g *generator) base64Lines(h *strings.Builder, n int) {
	for n > 0 {
		line := g.b64(57) // 76 characters
		h.WriteString(line)
		h.WriteByte('\n')
		n -= len(line) + 1
	}
}

// text writes about n bytes of paragraphs wrapped at 72 columns. Now and then
// a line begins with "From ", written as ">From " (mbox quoting).
func (g *generator) text(h *strings.Builder, n int) {
	start := h.Len()
	col := 0
	for h.Len()-start < n {
		if col == 0 && g.rng.IntN(40) == 0 {
			h.WriteString(">From")
			col = 5
		}
		w := g.pick(words)
		if col+1+len(w) > 72 {
			h.WriteByte('\n')
			col = 0
			if g.rng.IntN(6) == 0 {
				h.WriteByte('\n')
			}
		}
		if col > 0 {
			h.WriteByte(' ')
			col++
		}
		h.WriteString(w)
		col += len(w)
	}
	h.WriteByte('\n')
}

// encodeWord returns name as an RFC 2047 encoded-word when it is not ASCII.
func encodeWord(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] >= 128 {
			return "=?utf-8?B?" + base64.StdEncoding.EncodeToString([]byte(name)) + "?="
		}
	}
	return name
}
