package difftest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// adminClient is the harness's own IMAP session on a side's account. It
// authenticates with AUTHENTICATE LOGIN, which neither mailsync uses, so the
// server's log tells its logins from theirs (the check of
// doc/design/decisions.md#d15-login-lines).
type adminClient struct {
	c    *imapclient.Client
	stop func() bool // undoes the closing of c when the context ends
}

// dial logs in to the side's account; ctx bounds the whole session.
func (e *imapExt) dial(ctx context.Context, side string) (*adminClient, error) {
	srv := e.server(side)
	c, err := imapclient.DialInsecure(srv.Addr(), nil)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", srv.Addr(), err)
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	if err := c.Authenticate(sasl.NewLoginClient(e.user(side), imapPassword)); err != nil {
		stop()
		c.Close()
		return nil, fmt.Errorf("log in as %s: %w", e.user(side), err)
	}
	return &adminClient{c: c, stop: stop}, nil
}

func (a *adminClient) close() {
	a.stop()
	a.c.Logout().Wait()
	a.c.Close()
}

// folderInfo is one LIST response.
type folderInfo struct {
	name  string
	attrs []string
}

// relevantAttrs are the LIST attributes the snapshot keeps (the others,
// \Marked and \Unmarked, depend on \Recent).
var relevantAttrs = map[string]bool{`\noselect`: true, `\nonexistent`: true, `\noinferiors`: true,
	`\haschildren`: true, `\hasnochildren`: true}

func (f folderInfo) line() string {
	return strings.TrimSpace(f.name + " " + strings.Join(f.attrs, " "))
}

func (f folderInfo) selectable() bool {
	for _, a := range f.attrs {
		if a == `\noselect` || a == `\nonexistent` {
			return false
		}
	}
	return true
}

// folders lists every folder, sorted by name.
func (a *adminClient) folders() ([]folderInfo, error) {
	list, err := a.c.List("", "*", nil).Collect()
	if err != nil {
		return nil, fmt.Errorf("LIST: %w", err)
	}
	var out []folderInfo
	for _, l := range list {
		f := folderInfo{name: l.Mailbox}
		for _, at := range l.Attrs {
			if s := strings.ToLower(string(at)); relevantAttrs[s] {
				f.attrs = append(f.attrs, s)
			}
		}
		sort.Strings(f.attrs)
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// messages reads a folder read-only: per message its header, body,
// flags and internal date.
func (a *adminClient) messages(name string) ([]Msg, error) {
	sel, err := a.c.Select(name, &goimap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("EXAMINE %s: %w", name, err)
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	bufs, err := a.c.Fetch(allMsgs(), &goimap.FetchOptions{Flags: true, InternalDate: true,
		BodySection: []*goimap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("FETCH %s: %w", name, err)
	}
	sort.Slice(bufs, func(i, j int) bool { return bufs[i].SeqNum < bufs[j].SeqNum })
	var msgs []Msg
	for _, b := range bufs {
		var raw []byte
		if len(b.BodySection) > 0 {
			raw = b.BodySection[0].Bytes
		}
		m := parseRaw(string(raw))
		m.Date = b.InternalDate.UTC().Format(time.RFC3339)
		m.Flags = imapFlags(b.Flags)
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// allMsgs is the sequence set 1:*.
func allMsgs() goimap.SeqSet {
	var s goimap.SeqSet
	s.AddRange(1, 0)
	return s
}

// parseRaw splits a message as the server sends it (CRLF) into header
// fields (unfolded lines joined with "\n", nothing removed) and body.
func parseRaw(raw string) Msg {
	lines := strings.SplitAfter(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
	var m Msg
	i := 0
	for ; i < len(lines); i++ {
		l := strings.TrimSuffix(lines[i], "\n")
		if l == "" {
			i++
			break
		}
		if (l[0] == ' ' || l[0] == '\t') && len(m.Header) > 0 {
			m.Header[len(m.Header)-1] += "\n" + l
			continue
		}
		m.Header = append(m.Header, l)
	}
	if i < len(lines) {
		m.Body = strings.Join(lines[i:], "")
	}
	return m
}

// imapFlags maps system flags to the snapshot's letters "SAFDT",
// followed by any keywords (lower case, sorted); \Recent is left out.
func imapFlags(flags []goimap.Flag) string {
	has := map[goimap.Flag]bool{}
	var keywords []string
	for _, f := range flags {
		l := strings.ToLower(string(f))
		has[goimap.Flag(l)] = true
		if !strings.HasPrefix(l, `\`) {
			keywords = append(keywords, l)
		}
	}
	sort.Strings(keywords)
	out := ""
	for _, c := range []struct {
		f goimap.Flag
		l string
	}{{`\seen`, "S"}, {`\answered`, "A"}, {`\flagged`, "F"}, {`\deleted`, "D"}, {`\draft`, "T"}} {
		if has[c.f] {
			out += c.l
		}
	}
	for _, k := range keywords {
		out += " " + k
	}
	return out
}

// wipe removes every folder but INBOX and empties INBOX (a previous run
// of the same test binary may have left mail in the shared account).
func (e *imapExt) wipe(ctx context.Context, side string) error {
	a, err := e.dial(ctx, side)
	if err != nil {
		return err
	}
	defer a.close()
	folders, err := a.folders()
	if err != nil {
		return err
	}
	sort.Slice(folders, func(i, j int) bool { return len(folders[i].name) > len(folders[j].name) })
	for _, f := range folders {
		if strings.EqualFold(f.name, "INBOX") || !f.selectable() {
			continue
		}
		if err := a.c.Delete(f.name).Wait(); err != nil {
			return fmt.Errorf("wipe %s: DELETE %s: %w", e.user(side), f.name, err)
		}
	}
	return a.expunge("INBOX", func(*imapclient.FetchMessageBuffer) bool { return true })
}

// expunge deletes the messages of a folder that match.
func (a *adminClient) expunge(name string, match func(*imapclient.FetchMessageBuffer) bool) error {
	sel, err := a.c.Select(name, nil).Wait()
	if err != nil {
		return fmt.Errorf("SELECT %s: %w", name, err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	bufs, err := a.c.Fetch(allMsgs(), &goimap.FetchOptions{UID: true, Envelope: true}).Collect()
	if err != nil {
		return fmt.Errorf("FETCH %s: %w", name, err)
	}
	var uids goimap.UIDSet
	for _, b := range bufs {
		if match(b) {
			uids.AddNum(b.UID)
		}
	}
	if len(uids) == 0 {
		return fmt.Errorf("%s: no message to delete", name)
	}
	if err := a.c.Store(uids, &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Silent: true, Flags: []goimap.Flag{goimap.FlagDeleted}}, nil).Close(); err != nil {
		return fmt.Errorf("STORE %s: %w", name, err)
	}
	if err := a.c.Expunge().Close(); err != nil {
		return fmt.Errorf("EXPUNGE %s: %w", name, err)
	}
	return nil
}

// deleteMsgs is a Step.Prep that deletes, on the server, the messages of
// a folder with the given subjects.
func (e *imapExt) deleteMsgs(folder string, subjects ...string) func(side string) error {
	return func(side string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a, err := e.dial(ctx, side)
		if err != nil {
			return err
		}
		defer a.close()
		return a.expunge(folder, func(b *imapclient.FetchMessageBuffer) bool {
			for _, s := range subjects {
				if b.Envelope != nil && b.Envelope.Subject == s {
					return true
				}
			}
			return false
		})
	}
}

// appendMsgs is a Step.Prep that adds messages to a server folder.
func (e *imapExt) appendMsgs(folder string, msgs ...IM) func(side string) error {
	return func(side string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return e.server(side).Account(e.user(side)).LoadMessages(ctx, folder, dmsgs(msgs))
	}
}
