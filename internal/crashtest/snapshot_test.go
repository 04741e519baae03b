package crashtest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/maildir"
	"github.com/mailsync/mailsync/internal/store/mbox"
)

// rec is what a side holds of one id in one box.
type rec struct {
	count int         // copies of the id (more than one: duplicated)
	flags store.Flags // of the first copy (CopiedFlags only)
	sum   string      // sha256 of the first copy's wire form
}

// side is one store's content: box → id → rec.
type side map[string]map[string]*rec

// snapshot is both sides of a channel.
type snapshot struct{ a, b side }

// readBox reads every message of an open mailbox into box; with hash
// it fetches every message and records its checksum.
func readBox(ctx context.Context, mb store.Mailbox, name string, hash bool) (map[string]*rec, error) {
	msgs, err := mb.Messages(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	box := map[string]*rec{}
	for _, m := range msgs {
		id := msgid.Compute(msgid.MsgID, m.Header)
		if id.Missing {
			return nil, fmt.Errorf("%s: a message without Message-ID (a cut copy?), header %q", name, m.Header)
		}
		if r := box[id.Value]; r != nil {
			r.count++
			continue
		}
		if !hash {
			box[id.Value] = &rec{count: 1, flags: m.Flags & store.CopiedFlags}
			continue
		}
		rc, err := mb.Fetch(ctx, m.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: fetch %s: %w", name, id.Value, err)
		}
		h := sha256.New()
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: fetch %s: %w", name, id.Value, err)
		}
		if n != m.Size {
			return nil, fmt.Errorf("%s: %s has %d bytes, its size says %d", name, id.Value, n, m.Size)
		}
		box[id.Value] = &rec{count: 1, flags: m.Flags & store.CopiedFlags, sum: fmt.Sprintf("%x", h.Sum(nil))}
	}
	return box, nil
}

// readMboxDir reads every mbox file in dir (one box each, named by the
// file name; dot files and locks are not boxes). Every file must parse.
func readMboxDir(ctx context.Context, dir string, hash bool) (side, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	boxes := map[string]string{}
	for _, e := range ents {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && !strings.HasSuffix(e.Name(), ".lock") {
			boxes[e.Name()] = filepath.Join(dir, e.Name())
		}
	}
	return readBoxes(ctx, boxes, hash, func(p string) (store.Mailbox, error) {
		mb, err := mbox.Open(p, store.ReadOnly, store.Env{})
		if err != nil {
			return nil, fmt.Errorf("mbox %s does not parse: %w", p, err)
		}
		return mb, nil
	})
}

// readMaildirPlus reads the Maildir++ folders of root whose names start
// with prefix ("." for all; ".k1." for the children of k1), each a box
// named by the rest of its directory name.
func readMaildirPlus(ctx context.Context, root, prefix string, hash bool) (side, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	boxes := map[string]string{}
	for _, e := range ents {
		name, ok := strings.CutPrefix(e.Name(), prefix)
		if e.IsDir() && ok && name != "" && maildir.IsMaildir(filepath.Join(root, e.Name())) {
			boxes[name] = filepath.Join(root, e.Name())
		}
	}
	return readBoxes(ctx, boxes, hash, func(p string) (store.Mailbox, error) {
		mb, err := maildir.Open(p, store.ReadOnly, store.Env{})
		if err != nil {
			return nil, fmt.Errorf("Maildir %s: %w", p, err)
		}
		return mb, nil
	})
}

// readBoxes reads the boxes (name → path) in parallel.
func readBoxes(ctx context.Context, boxes map[string]string, hash bool, open func(string) (store.Mailbox, error)) (side, error) {
	s := side{}
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for name, p := range boxes {
		wg.Go(func() {
			box, err := func() (map[string]*rec, error) {
				mb, err := open(p)
				if err != nil {
					return nil, err
				}
				defer mb.Close()
				return readBox(ctx, mb, p, hash)
			}()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			s[name] = box
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// ids returns box → set of ids of a side.
func (s side) ids() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for box, m := range s {
		out[box] = map[string]bool{}
		for id := range m {
			out[box][id] = true
		}
	}
	return out
}

// union is every (box, id) on either side.
func (sn snapshot) union() map[string]map[string]bool {
	out := sn.a.ids()
	for box, m := range sn.b {
		if out[box] == nil {
			out[box] = map[string]bool{}
		}
		for id := range m {
			out[box][id] = true
		}
	}
	return out
}

// dups lists every id held more than once in one box of one side.
func (sn snapshot) dups() []string {
	var out []string
	for name, s := range map[string]side{"a": sn.a, "b": sn.b} {
		for box, m := range s {
			for id, r := range m {
				if r.count > 1 {
					out = append(out, fmt.Sprintf("%s:%s %s ×%d", name, box, id, r.count))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// diff describes how two sides differ (empty when equal).
func diffSide(label string, got, want side) []string {
	var out []string
	boxes := map[string]bool{}
	for b := range got {
		boxes[b] = true
	}
	for b := range want {
		boxes[b] = true
	}
	for box := range boxes {
		g, w := got[box], want[box]
		if g == nil || w == nil {
			out = append(out, fmt.Sprintf("%s: box %s present=%v, want present=%v", label, box, g != nil, w != nil))
			continue
		}
		for id, wr := range w {
			gr := g[id]
			switch {
			case gr == nil:
				out = append(out, fmt.Sprintf("%s:%s: %s missing", label, box, id))
			case *gr != *wr:
				out = append(out, fmt.Sprintf("%s:%s: %s is %+v, want %+v", label, box, id, *gr, *wr))
			}
		}
		for id := range g {
			if w[id] == nil {
				out = append(out, fmt.Sprintf("%s:%s: %s should not be there", label, box, id))
			}
		}
	}
	sort.Strings(out)
	return out
}
