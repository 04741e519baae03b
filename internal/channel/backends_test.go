package channel

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/header"
	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// backend makes the two stores of a channel for engine scenarios.
type backend struct {
	name string
	// new returns two empty stores and their configurations.
	new func(t *testing.T) (a, b store.Store, ca, cb *config.Store)
	// flags are the flags the backend keeps (compared between runs).
	flags store.Flags
}

var backends = []backend{
	{name: "memory", flags: store.CopiedFlags, new: func(t *testing.T) (store.Store, store.Store, *config.Store, *config.Store) {
		return memory.New(), memory.New(), &config.Store{Name: "a", Pat: "*"}, &config.Store{Name: "b", Pat: "*"}
	}},
	{name: "mbox", flags: store.CopiedFlags, new: func(t *testing.T) (store.Store, store.Store, *config.Store, *config.Store) {
		st := localHome(t, "mail/a", "mail/b")
		return st, st, &config.Store{Name: "a", Pat: "mail/a/*", Prefix: "mail/a/"},
			&config.Store{Name: "b", Pat: "mail/b/*", Prefix: "mail/b/"}
	}},
	{name: "mh", flags: store.Seen, new: func(t *testing.T) (store.Store, store.Store, *config.Store, *config.Store) {
		st := localHome(t, "Mail/a", "Mail/b")
		return st, st, &config.Store{Name: "a", Pat: "#mh/a/*", Prefix: "#mh/a/"},
			&config.Store{Name: "b", Pat: "#mh/b/*", Prefix: "#mh/b/"}
	}},
	{name: "maildir", flags: store.CopiedFlags, new: func(t *testing.T) (store.Store, store.Store, *config.Store, *config.Store) {
		st := localHome(t, "mail/a", "mail/b")
		return st, st, &config.Store{Name: "a", Pat: "#maildir/mail/a/*", Prefix: "#maildir/mail/a/"},
			&config.Store{Name: "b", Pat: "#maildir/mail/b/*", Prefix: "#maildir/mail/b/"}
	}},
	{name: "imap", flags: store.CopiedFlags, new: imapBackend},
}

// localHome returns the local store of a fresh home directory holding the
// given directories and an MH profile with "Path: Mail".
func localHome(t *testing.T, dirs ...string) store.Store {
	t.Helper()
	home := fastTempDir(t)
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(home, ".mh_profile"), []byte("Path: Mail\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return local.New(store.Env{Home: home, User: "user", Host: "host",
		Now: func() time.Time { return jan1 }})
}

// fastTempDir is a temporary directory on a tmpfs (/dev/shm) when there
// is one: the local backends fsync every change, and the interrupt tests
// make thousands of them. Elsewhere it is t.TempDir().
func fastTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "mailsync-test-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// seed is one message put into a box before a scenario runs. An empty
// subject makes an empty box.
type seed struct {
	box, id, subject string
	flags            store.Flags
}

// put creates the boxes and messages of seeds in st (not through any
// fault counter).
func put(t *testing.T, st store.Store, cfg *config.Store, seeds []seed) {
	t.Helper()
	ctx := context.Background()
	for _, s := range seeds {
		name := MailboxName(cfg, '/', s.box)
		mb, err := st.Open(ctx, name, store.ReadWrite)
		if err != nil {
			if err := st.Create(ctx, name); err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
			if mb, err = st.Open(ctx, name, store.ReadWrite); err != nil {
				t.Fatal(err)
			}
		}
		if s.subject != "" {
			raw := bytes.ReplaceAll(msg(s.id, s.subject), []byte("\n"), []byte("\r\n"))
			err := mb.Append(ctx, store.NewMessage{Flags: s.flags, InternalDate: jan1, Size: int64(len(raw)), Body: bytes.NewReader(raw)})
			if err != nil {
				t.Fatalf("append to %s: %v", name, err)
			}
		}
		mb.Close()
	}
}

// view is what a store holds: for every box ("a:box", "b:box") its
// messages as "id subject flags", sorted; a not selectable box holds
// "(noselect)".
type view map[string][]string

// look reads every box of both stores.
func look(t *testing.T, be backend, sides ...*Side) view {
	t.Helper()
	ctx := context.Background()
	v := view{}
	for _, s := range sides {
		boxes, err := ListBoxes(ctx, s.Store, s.Cfg, NewReporter(&bytes.Buffer{}, &bytes.Buffer{}))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range boxes.Names() {
			key := s.Name() + ":" + name
			if b, _ := boxes.Lookup(name); b.NoSelect {
				v[key] = []string{"(noselect)"}
				continue
			}
			mb, err := s.Store.Open(ctx, MailboxName(s.Cfg, boxes.Delim, name), store.ReadOnly)
			if err != nil {
				t.Fatalf("open %s: %v", key, err)
			}
			msgs, err := mb.Messages(ctx)
			mb.Close()
			if err != nil {
				t.Fatalf("read %s: %v", key, err)
			}
			v[key] = []string{}
			for _, m := range msgs {
				id := msgid.Compute(msgid.MsgID, m.Header).Value
				v[key] = append(v[key], fmt.Sprintf("%s %s %02x", id, header.Subject(m.Header), m.Flags&be.flags))
			}
			slices.Sort(v[key])
		}
	}
	return v
}

// ids returns, per box name, the ids present on either side.
func (v view) ids() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for key, msgs := range v {
		box := key[strings.IndexByte(key, ':')+1:]
		if out[box] == nil {
			out[box] = map[string]bool{}
		}
		for _, m := range msgs {
			if id, _, ok := strings.Cut(m, " "); ok {
				out[box][id] = true
			}
		}
	}
	return out
}

// counts returns how often each id occurs in each box of each side.
func (v view) counts() map[string]int {
	out := map[string]int{}
	for key, msgs := range v {
		for _, m := range msgs {
			if id, _, ok := strings.Cut(m, " "); ok && id != "<>" {
				out[key+" "+id]++
			}
		}
	}
	return out
}
