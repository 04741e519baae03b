package local_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// sigHome has an mbox, a Maildir and an MH folder with one message each;
// the store reads the clock now.
func sigHome(t *testing.T, now func() time.Time) (*local.Store, string) {
	t.Helper()
	home := t.TempDir()
	files := map[string]string{
		".mh_profile":        "Path: Mail\n",
		"box":                "From a@b Mon Jan  1 00:00:00 2024\nMessage-ID: <1@x>\n\nbody\n",
		"md/cur/1.M1P1.h:2,": "Message-ID: <2@x>\n\nbody\n",
		"md/new/.keep":       "",
		"md/tmp/.keep":       "",
		"Mail/f/1":           "Message-ID: <3@x>\n\nbody\n",
	}
	for f, c := range files {
		p := filepath.Join(home, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(filepath.Join(home, "md/new/.keep"))
	os.Remove(filepath.Join(home, "md/tmp/.keep"))
	return local.New(store.Env{Home: home, User: "joe", Now: now}), home
}

func TestSignatureNotSettledWhenFresh(t *testing.T) {
	t.Parallel() // the clock is the Env's, no global
	s, _ := sigHome(t, time.Now)
	for _, name := range []string{"box", "md", "#mh/f"} {
		if _, ok := s.Signature(context.Background(), name); ok {
			t.Errorf("%s: a box written just now has a signature", name)
		}
	}
}

func TestSignatureChanges(t *testing.T) {
	t.Parallel() // the clock is the Env's, no global
	ctx := context.Background()
	s, home := sigHome(t, aheadClock)
	for _, name := range []string{"missing", "Mail", "md/cur"} {
		if sig, ok := s.Signature(ctx, name); ok {
			t.Errorf("%s: signature %q for no mailbox", name, sig)
		}
	}
	appendOne := func(name string) func() error {
		return func() error {
			mb, err := s.Open(ctx, name, store.ReadWrite)
			if err != nil {
				return err
			}
			body := "Message-ID: <9@x>\r\n\r\nnew\r\n"
			if err := mb.Append(ctx, store.NewMessage{InternalDate: time.Now(), Size: int64(len(body)), Body: strings.NewReader(body)}); err != nil {
				return err
			}
			return mb.Close()
		}
	}
	p := func(f string) string { return filepath.Join(home, f) }
	changes := []struct {
		box, what string
		change    func() error
	}{
		{"box", "append", appendOne("box")},
		{"box", "rewrite in place", func() error { return os.WriteFile(p("box"), []byte("From a@b Mon Jan  1 00:00:00 2024\n\n"), 0o600) }},
		{"md", "delivery", appendOne("md")},
		{"md", "delivery to new/", func() error { return os.WriteFile(p("md/new/2.M2P2.h"), []byte("\n"), 0o600) }},
		{"md", "flag (rename)", func() error { return os.Rename(p("md/cur/1.M1P1.h:2,"), p("md/cur/1.M1P1.h:2,T")) }},
		{"md", "move new/ to cur/", func() error { return os.Rename(p("md/new/2.M2P2.h"), p("md/cur/2.M2P2.h:2,S")) }},
		{"md", "removal", func() error { return os.Remove(p("md/cur/2.M2P2.h:2,S")) }},
		{"#mh/f", "append", appendOne("#mh/f")},
		{"#mh/f", "sequences rewritten in place", func() error { return os.WriteFile(p("Mail/f/.mh_sequences"), []byte("flagged: 1\n"), 0o600) }},
		{"#mh/f", "sequences changed again", func() error { return os.WriteFile(p("Mail/f/.mh_sequences"), []byte("flagged: 2\n"), 0o600) }},
		{"#mh/f", "removal", func() error { return os.Remove(p("Mail/f/1")) }},
	}
	for _, c := range changes {
		before, ok := s.Signature(ctx, c.box)
		if !ok {
			t.Fatalf("%s: no signature", c.box)
		}
		if again, _ := s.Signature(ctx, c.box); !bytes.Equal(again, before) {
			t.Fatalf("%s: two signatures of an unchanged box", c.box)
		}
		time.Sleep(30 * time.Millisecond) // more than a coarse clock tick
		if err := c.change(); err != nil {
			t.Fatalf("%s %s: %v", c.box, c.what, err)
		}
		if after, ok := s.Signature(ctx, c.box); !ok || bytes.Equal(after, before) {
			t.Errorf("%s: %s left the signature as it was", c.box, c.what)
		}
	}
}
