package event

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// TestNoteWording: each note a store or the msinfo gives (store.Note) is
// printed with the words the backends used to write themselves, byte for
// byte: the login lines on stdout, the others on stderr.
func TestNoteWording(t *testing.T) {
	unworded := noteTypes(t)
	for _, c := range []struct {
		note   store.Note
		want   string
		stdout bool
	}{
		{store.Authorizing{Host: "localhost"}, "Authorizing against {localhost/imap}\n", true},
		{store.UserPrompt{}, " username: ", true},
		{store.StaleLockTaken{Lock: "/m/box.lock", PID: "4242", MaxAge: 5 * time.Minute},
			"Info: taking over the stale lock /m/box.lock (pid 4242 is gone or the lock is older than 5m0s)\n", false},
		{store.StaleLockTaken{Lock: "/h/.msinfo.lock", PID: "999999", Msinfo: ".msinfo"},
			"Info: taking over the stale lock /h/.msinfo.lock of msinfo .msinfo (pid 999999 is gone)\n", false},
		{store.UnfinishedCut{Path: "/m/box", Bytes: 73},
			"Info: removed the unfinished message (73 bytes) a killed mailsync left at the end of /m/box\n", false},
		{store.FlagsFinished{Path: "/m/box", Messages: 2},
			"Info: finished the flag changes of 2 messages a killed mailsync left half-written in /m/box\n", false},
		{store.DeadRewriteRemoved{File: "/m/.box.mailsync-77-1", Path: "/m/box", PID: 77},
			"Info: removed /m/.box.mailsync-77-1, the unfinished rewrite of /m/box by the killed process 77\n", false},
		{store.ForeignEntry{Msinfo: "MS", From: "joe"},
			"Info: The msinfo box MS contains the non-mailsyncmail: \"From: joe\"\n", false},
		{store.ForeignEntry{Msinfo: "MS", Incomplete: true},
			"Info: The msinfo box MS contains a message with missing \"From\" or \"Subject\" header information\n", false},
		{store.MissingMD5{Line: "<x@y>"},
			"Warning: line is missing a md5: <x@y>\n", false},
		{store.LeftOut{UID: 2, Mailbox: "box", Server: "127.0.0.1:2143", HeaderBytes: 2097183, Limit: 1 << 20},
			"Warning: message UID 2 of mailbox box on server 127.0.0.1:2143 left out: its header fields are 2097183 bytes (more than 1048576 is garbage)\n", false},
	} {
		delete(unworded, reflect.TypeOf(c.note).Name())
		for _, p := range []Printer{{}, {Long: true, ShowIDs: true}} {
			var s sink
			p.Print(&s, Note{c.note})
			got, other := s.err.String(), s.out.String()
			if c.stdout {
				got, other = other, got
			}
			if got != c.want || other != "" || s.notes.Len() != 0 {
				t.Errorf("%#v: stdout %q, stderr %q; want %q on stdout: %v", c.note, s.out.String(), s.err.String(), c.want, c.stdout)
			}
		}
	}
	if len(unworded) > 0 {
		t.Errorf("store.Note types without a case here: %v", unworded)
	}
}

// noteTypes returns the names of the types package store declares as
// Notes (a note method), found in its source.
func noteTypes(t *testing.T) map[string]bool {
	t.Helper()
	dir := filepath.Join("..", "..", "store")
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	types := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "note" && fn.Recv != nil {
				types[fn.Recv.List[0].Type.(*ast.Ident).Name] = true
			}
		}
	}
	if len(types) == 0 {
		t.Fatalf("no Note types found in %s", dir)
	}
	return types
}
