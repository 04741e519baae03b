package migrate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// got is one message as a store delivers it through the library.
type got struct {
	body  []byte
	flags store.Flags
	date  time.Time
}

// content is everything a store holds below a pattern, read through the
// store interface (what mailsync itself sees).
type content struct {
	boxes    map[string]map[string]*got // box name -> Message-ID -> message
	noSelect []string                   // boxes listed not selectable
	problems []string                   // duplicates, messages without Message-ID
}

// readStore lists st with pat, turns every name into a box name as
// mailsync does (prefix cut, the store's delimiter replaced by '/') and
// reads every message of every selectable box, read-only.
func readStore(ctx context.Context, st store.Store, pat, prefix string) (*content, error) {
	list, err := st.List(ctx, "", pat)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", pat, err)
	}
	c := &content{boxes: map[string]map[string]*got{}}
	for _, e := range list {
		box := userName(strings.TrimPrefix(e.Name, prefix))
		if e.Delim != 0 && e.Delim != '/' {
			box = strings.ReplaceAll(box, string(e.Delim), "/")
		}
		if e.NoSelect {
			c.noSelect = append(c.noSelect, box)
			continue
		}
		msgs, err := readBox(ctx, st, e.Name, c)
		if err != nil {
			return nil, err
		}
		c.boxes[box] = msgs
	}
	sort.Strings(c.noSelect)
	return c, nil
}

func readBox(ctx context.Context, st store.Store, name string, c *content) (map[string]*got, error) {
	mb, err := st.Open(ctx, name, store.ReadOnly)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer mb.Close()
	list, err := mb.Messages(ctx)
	if err != nil {
		return nil, fmt.Errorf("messages of %s: %w", name, err)
	}
	// One UID FETCH per message (Fetch, not the engine's BulkFetcher):
	// the check reads the store independently of how mailsync copies.
	out := map[string]*got{}
	for _, m := range list {
		id := messageID(m.Header)
		if id == "" {
			c.problems = append(c.problems, fmt.Sprintf("%s: message %d has no Message-ID", name, m.Key))
			continue
		}
		if out[id] != nil {
			c.problems = append(c.problems, fmt.Sprintf("%s: %s is there twice", name, id))
			continue
		}
		r, err := mb.Fetch(ctx, m.Key)
		if err != nil {
			return nil, fmt.Errorf("fetch %d from %s: %w", m.Key, name, err)
		}
		body, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("fetch %d from %s: %w", m.Key, name, err)
		}
		out[id] = &got{body: body, flags: m.Flags & store.CopiedFlags, date: m.InternalDate}
	}
	return out, nil
}

// messageID returns the Message-ID of a raw header section ("" if none).
func messageID(header []byte) string {
	for _, line := range bytes.Split(header, []byte("\n")) {
		if len(line) > 11 && strings.EqualFold(string(line[:11]), "message-id:") {
			return strings.TrimSpace(string(line[11:]))
		}
	}
	return ""
}

// verify compares what a store holds with the corpus after travelling
// path, and returns one line per difference (at most maxReport detailed).
func verify(c *corpus, path []format, have *content) []string {
	const maxReport = 20
	var errs []string
	more := 0
	report := func(msg string, args ...any) {
		if len(errs) < maxReport {
			errs = append(errs, fmt.Sprintf(msg, args...))
		} else {
			more++
		}
	}
	for _, p := range have.problems {
		report("%s", p)
	}
	for _, box := range c.boxes {
		msgs, ok := have.boxes[box]
		if !ok {
			report("box %q is missing", box)
			continue
		}
		seen := map[string]bool{}
		for _, m := range c.msgs[box] {
			g := msgs[m.id]
			if g == nil {
				report("%s %s (%s) is missing", box, m.id, m.note)
				continue
			}
			seen[m.id] = true
			body, flags := expected(m, path)
			if !bytes.Equal(g.body, body) {
				report("%s %s (%s): body differs: %s", box, m.id, m.note, firstDiff(g.body, body))
			}
			if g.flags != flags {
				report("%s %s: flags %s, want %s", box, m.id, flagNames(g.flags), flagNames(flags))
			}
			if g.date.Unix() != m.date.Unix() {
				report("%s %s: internal date %s, want %s", box, m.id, g.date.UTC(), m.date.UTC())
			}
		}
		for id := range msgs {
			if !seen[id] {
				report("%s: unexpected message %s", box, id)
			}
		}
	}
	for box, msgs := range have.boxes {
		if _, ok := c.msgs[box]; !ok && len(msgs) > 0 {
			report("unexpected box %q with %d messages", box, len(msgs))
		}
	}
	if more > 0 {
		errs = append(errs, fmt.Sprintf("... and %d more differences", more))
	}
	return errs
}

// extraBoxes lists the selectable boxes that are not in the corpus (they
// must be empty, or verify reports them).
func extraBoxes(c *corpus, have *content) []string {
	var out []string
	for box := range have.boxes {
		if _, ok := c.msgs[box]; !ok {
			out = append(out, box)
		}
	}
	sort.Strings(out)
	return out
}

// firstDiff describes where two byte strings first differ.
func firstDiff(have, want []byte) string {
	i := 0
	for i < len(have) && i < len(want) && have[i] == want[i] {
		i++
	}
	lo := max(i-20, 0)
	return fmt.Sprintf("%d bytes, want %d; at offset %d: have %q, want %q",
		len(have), len(want), i, have[lo:min(i+20, len(have))], want[lo:min(i+20, len(want))])
}

func flagNames(f store.Flags) string {
	var s []string
	for _, x := range []struct {
		f    store.Flags
		name string
	}{{store.Seen, `\Seen`}, {store.Answered, `\Answered`}, {store.Flagged, `\Flagged`}, {store.Deleted, `\Deleted`}, {store.Draft, `\Draft`}} {
		if f&x.f != 0 {
			s = append(s, x.name)
		}
	}
	return "(" + strings.Join(s, " ") + ")"
}
