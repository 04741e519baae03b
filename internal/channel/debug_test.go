package channel

import (
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/config"
)

// TestDebugStoreOpens: the store-level -d "Opening" lines name the
// server as configured, with options 66 (listing) and 64 (appending),
// plus 1 (OP_DEBUG) under -di; a local store has none. The append line
// of a box synchronised beside others is recorded and replayed.
func TestDebugStoreOpens(t *testing.T) {
	srv := &config.Store{Name: "r", Server: "{127.0.0.1:143/notls/user=sam}"}
	local := &config.Store{Name: "l"}
	for _, di := range []bool{false, true} {
		var out strings.Builder
		r := NewReporter(&out, &out)
		r.Debug, r.DebugIMAP = true, di
		for _, cfg := range []*config.Store{srv, local} {
			if ev, ok := OpeningStore(cfg, di); ok {
				event.Printer{Debug: true}.Print(r, ev)
			}
		}
		e := &Engine{R: r.recorder()} // a box synchronised beside others
		e.openingAppend(&Side{Cfg: srv})
		e.openingAppend(&Side{Cfg: local})
		e.R.rec.replay(r)
		r.Flush()
		want := "Opening {127.0.0.1:143/notls/user=sam} with options 66\nOpening {127.0.0.1:143/notls/user=sam} with options 64\n"
		if di {
			want = strings.NewReplacer("66", "67", "64", "65").Replace(want)
		}
		if out.String() != want {
			t.Errorf("-di %v: got %q, want %q", di, out.String(), want)
		}
	}
}

// TestDebugOnlyUnderD: the engine's -d events print nothing without -d.
func TestDebugOnlyUnderD(t *testing.T) {
	var out strings.Builder
	r := NewReporter(&out, &out)
	r.DebugIMAP = true
	e := &Engine{R: r}
	e.openingAppend(&Side{Cfg: &config.Store{Name: "r", Server: "{h}"}})
	e.emit(event.Expunging{})
	r.Flush()
	if out.Len() != 0 {
		t.Errorf("without -d printed %q", out.String())
	}
}

// TestListPrefix: the server part c-client puts before listed names is
// the ref's as written, else the pattern's, else the server.
func TestListPrefix(t *testing.T) {
	for _, c := range []struct{ ref, pat, want string }{
		{"{h:143/notls}", "%", "{h:143/notls}"},
		{"{h:143/notls}INBOX.", "%", "{h:143/notls}"},
		{"", "{h/ssl}INBOX.%", "{h/ssl}"},
		{"mail/", "%", "{h/user=x}"},
	} {
		if got := listPrefix(&config.Store{Server: "{h/user=x}", Ref: c.ref, Pat: c.pat}); got != c.want {
			t.Errorf("ref %q pat %q: got %q, want %q", c.ref, c.pat, got, c.want)
		}
	}
}
