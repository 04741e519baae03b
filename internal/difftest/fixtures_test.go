package difftest

import (
	"fmt"
	"strings"
)

// fromLineFixed is the From_ line of every message a scenario writes.
const fromLineFixed = "From alice@example.org Mon Jan  1 10:00:00 2024\n"

// M describes a test message.
type M struct {
	Subj   string
	ID     string // Message-ID value; "-" for no Message-ID header
	From   string // default "Alice <alice@example.org>"
	Status string // Status header value (e.g. "RO"), "" for none
	XStat  string // X-Status header value
	Body   string // default "body of SUBJ\n"
	Extra  string // extra header lines
}

// text renders the message without From_ line.
func (m M) text() string {
	var b strings.Builder
	from := m.From
	if from == "" {
		from = "Alice <alice@example.org>"
	}
	fmt.Fprintf(&b, "From: %s\nTo: bob@example.org\nSubject: %s\nDate: Mon, 01 Jan 2024 10:00:00 +0000\n", from, m.Subj)
	if m.ID != "-" {
		fmt.Fprintf(&b, "Message-ID: %s\n", m.ID)
	}
	b.WriteString(m.Extra)
	if m.Status != "" {
		fmt.Fprintf(&b, "Status: %s\n", m.Status)
	}
	if m.XStat != "" {
		fmt.Fprintf(&b, "X-Status: %s\n", m.XStat)
	}
	body := m.Body
	if body == "" {
		body = "body of " + m.Subj + "\n"
	}
	b.WriteString("\n" + body)
	return b.String()
}

// mbox renders messages as an mbox file.
func mbox(msgs ...M) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(fromLineFixed + m.text() + "\n")
	}
	return b.String()
}

// msg is a message with subject s and id <s@x>.
func msg(s string) M { return M{Subj: s, ID: "<" + s + "@x>"} }

// msinfoFile renders an msinfo mbox holding the given channel entries
// (channel name, entry body), as 5.2.7 would read it.
func msinfoFile(entries ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(entries); i += 2 {
		fmt.Fprintf(&b, "%sFrom: mailsync\nSubject: %s\n\n%s\n", fromLineFixed, entries[i], entries[i+1])
	}
	return b.String()
}

// twoStores is the usual configuration: stores a and b below mail/.
const twoStores = `store a {
	pat mail/a/%
	prefix mail/a/
}
store b {
	pat mail/b/%
	prefix mail/b/
}
channel ch a b {
	msinfo .msinfo
}
`

// files builds a file map from name/content pairs.
func files(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// args splits a command line on spaces.
func args(s string) []string { return strings.Fields(s) }

// steps makes one step per command line.
func steps(lines ...string) []Step {
	var out []Step
	for _, l := range lines {
		out = append(out, Step{Args: args(l)})
	}
	return out
}
