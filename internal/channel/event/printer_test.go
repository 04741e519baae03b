package event

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/store"
)

// sink records what a Printer writes.
type sink struct{ out, err, notes strings.Builder }

func (s *sink) Out(x string)                     { s.out.WriteString(x) }
func (s *sink) Errf(format string, args ...any)  { fmt.Fprintf(&s.err, format, args...) }
func (s *sink) Notef(format string, args ...any) { fmt.Fprintf(&s.notes, "["+format+"]\n", args...) }
func (s *sink) all() string                      { return s.out.String() + s.err.String() + s.notes.String() }

// examples holds one value of every event type but the -d ones
// (debugCases).
var examples = []Event{
	BoxStart{Box: "inbox"},
	Duplicates{Store: "a", N: 2},
	Planned{Box: "inbox", A: "a", B: "b", InA: 1, InB: 1},
	Message{Action: Copied, Dir: "->", From: "summary", ID: "<1@x>"},
	Counts{A: "a", B: "b", AB: 1},
	Remain{Box: "inbox", N: 3},
	Expunged{Store: "a", N: 1},
	OpenFailed{Box: "inbox", Store: "a", Full: "/m/inbox", Cause: "opening and writing", Err: errors.New("x")},
	CloseFailed{Box: "inbox", Store: "a", Err: errors.New("x")},
	CopyError{ID: "<1@x>", From: "f", FromStore: "a", To: "t", ToStore: "b", Err: errors.New("x")},
	ExpungeFailed{Full: "f", Store: "a", Err: errors.New("x")},
	FlagFailed{Store: "a", Err: errors.New("x")},
	Failed{Err: errors.New("x")},
	StoreListsNone{Store: "a", Msgs: 1, Boxes: 1},
	AllEmpty{Store: "a", Msgs: 1, Boxes: 1},
	TooManyDeletes{Box: "inbox", Store: "a", N: 2, Total: 3, Max: 50},
	Vanished{Box: "inbox", Gone: "a", Here: "b", N: 1},
	StoreGone{Store: "a", Reason: errors.New("x")},
	CreateFailed{Full: "f", Store: "a", Err: errors.New("x")},
	Escapes{Mailbox: "../x", From: "a", To: "b", Why: "has a \"..\" level"},
	Unrecordable{Box: "<odd"},
	SlashInName{Box: "a/b"},
	NameClash{Mailbox: "privé", Store: "a", ServerName: "priv&AOk-", Other: "priv&AOk-"},
	Listed{ID: "<1@x>", From: "F"},
	NoMessageID{From: "joe", Subject: "hi"},
	IDRepaired{ID: "<a.b@x>", Repair: msgid.ReplacedBlanks},
	Creating{Box: "inbox", Store: "b"},
	DeletingBox{Box: "old"},
	BoxDeleted{Full: "/m/old"},
	WouldDelete{Box: "old", Store: "a"},
	ListBox{Box: "inbox"},
	DiffCounts{Store: "a", Now: 1},
	SyncStart{A: "a", B: "b"},
	DiffStart{Store: "a"},
	ListStart{Store: "a"},
	StoreOpenFailed{Store: "a", Err: errors.New("x")},
	NoBoxes{},
	MsinfoOpenFailed{Msinfo: "~/.msinfo", Err: errors.New("x")},
	MsinfoWriteFailed{Msinfo: "~/.msinfo", Err: errors.New("x")},
	Interrupted{},
	StoreNotConfigured{Channel: "c", Store: "b"},
	NotInChannel{Channel: "c", Store: "z"},
	FlagsChanged{Dir: "->", From: "summary ", ID: "<1@x>", Add: store.Seen},
	FlagCounts{A: "a", B: "b", BA: 1},
	FlagChangeFailed{Full: "/m/inbox", Store: "a", Err: errors.New("x")},
	Note{store.MissingMD5{Line: "<x@y>"}},
	ConfigUnreadable{Path: "/h/.mailsync"},
	ReadablePasswords{Path: "/h/.mailsync"},
	UnknownName{Name: "x"},
	NoMode{Channels: 2},
	BadArguments{Err: errors.New("x")},
	ConfigSyntax{Msg: "Unknown store field", Line: 2, Token: "frob"},
}

// TestEveryEventIsWorded: every type of the package that is an Event
// (found in its source) has an example, and the Printer writes something
// for each in every format (with -d: TestDebugWording shows that the -d
// events print nothing without it); a new event without wording fails
// here.
func TestEveryEventIsWorded(t *testing.T) {
	fset := token.NewFileSet()
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, fi := range files {
		if !strings.HasSuffix(fi.Name(), ".go") || strings.HasSuffix(fi.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, fi.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "event" && fn.Recv != nil {
				declared = append(declared, fn.Recv.List[0].Type.(*ast.Ident).Name)
			}
		}
	}
	all := append([]Event(nil), examples...)
	for _, c := range debugCases {
		all = append(all, c.ev)
	}
	var have []string
	for _, ev := range all {
		if name := reflect.TypeOf(ev).Name(); !slices.Contains(have, name) {
			have = append(have, name)
		}
	}
	sort.Strings(declared)
	sort.Strings(have)
	if !reflect.DeepEqual(declared, have) {
		t.Fatalf("event types %v, examples of %v", declared, have)
	}
	for _, p := range []Printer{{Debug: true}, {Long: true, Debug: true}, {Long: true, ShowIDs: true, Debug: true}} {
		for _, ev := range all {
			var s sink
			p.Print(&s, ev)
			if s.all() == "" {
				t.Errorf("%+v printed nothing for %#v", p, ev)
			}
		}
	}
}

// TestMessageLines: the -M id column is on copy lines only, deletion
// lines have none (5.2.7 prints none there).
func TestMessageLines(t *testing.T) {
	p := Printer{Long: true, ShowIDs: true}
	for _, c := range []struct {
		ev   Message
		want string
	}{
		{Message{Action: Copied, Dir: "->", From: "F", ID: "<1@x>"}, "  copied     ->  F<1@x>" + strings.Repeat(" ", 60) + "\n"},
		{Message{Action: IgnoredDel, Dir: " >", From: "F", ID: "<1@x>"}, "  ign. del    >  F<1@x>" + strings.Repeat(" ", 60) + "\n"},
		{Message{Action: Deleted, Dir: "< ", From: "F", ID: "<1@x>"}, "  deleted    <   F\n"},
	} {
		var s sink
		p.Print(&s, c.ev)
		if s.out.String() != c.want {
			t.Errorf("%#v printed %q, want %q", c.ev, s.out.String(), c.want)
		}
	}
}

// unreachable is a failure to reach a server, as imap.ContactError is.
type unreachable struct{ reason, server string }

func (u unreachable) Error() string         { return u.reason }
func (u unreachable) ContactServer() string { return u.server }

// cancelledAuth is a contact failure because the user cancelled the
// authentication (imap's errCancelled inside a ContactError).
type cancelledAuth struct{ unreachable }

func (cancelledAuth) AuthCancelled() bool { return true }

// TestContactLine: a server that could not be contacted, wrapped or not,
// is followed by 5.2.7's line naming it; the backend's error says only
// why (imap.ContactError).
func TestContactLine(t *testing.T) {
	u := unreachable{"Connection failed to 127.0.0.1,2143: Connection refused", "{127.0.0.1:2143/notls}"}
	var s sink
	Printer{}.Print(&s, StoreOpenFailed{Store: "r", Err: u})
	want := "Error: Connection failed to 127.0.0.1,2143: Connection refused\n" +
		"Error: Can't contact server {127.0.0.1:2143/notls}\n" +
		"Error: Could not open a half open, read only connection to store r\n"
	if s.err.String() != want {
		t.Errorf("printed %q, want %q", s.err.String(), want)
	}
	s = sink{}
	Printer{}.Print(&s, OpenFailed{Box: "inbox", Store: "r", Full: "{h}inbox", Cause: "opening and writing", Err: fmt.Errorf("open inbox: %w", u)})
	if !strings.HasPrefix(s.err.String(), "Error: open inbox: Connection failed to 127.0.0.1,2143: Connection refused\nError: Can't contact server {127.0.0.1:2143/notls}\nError: Couldn't open {h}inbox\n") {
		t.Errorf("printed %q", s.err.String())
	}
	cancelled := unreachable{"IMAP protocol error: Authentication aborted by client.", "{h}"}
	if got, want := Text(cancelledAuth{cancelled}), "IMAP protocol error: Authentication aborted by client.\n"+
		"Error: IMAP Authentication cancelled\nError: Can't contact server {h}"; got != want {
		t.Errorf("Text of a cancelled login = %q, want %q", got, want)
	}
	if got := Text(errors.New("plain")); got != "plain" {
		t.Errorf("Text of a plain error = %q", got)
	}
}

// TestFlagChangeText: flags added, then removed, in the order \Seen,
// \Answered, \Flagged, \Draft, then keywords added and removed.
func TestFlagChangeText(t *testing.T) {
	for _, c := range []struct {
		add, remove   store.Flags
		addK, removeK store.Keywords
		want          string
	}{
		{store.Seen | store.Flagged, 0, "", "", `+\Seen +\Flagged`},
		{store.Draft, store.Answered | store.Seen, "", "", `+\Draft -\Seen -\Answered`},
		{0, store.Flagged, store.KeywordsOf("$Junk", "work"), "todo", `-\Flagged +$Junk +work -todo`},
		{0, 0, "", "$Label1", `-$Label1`},
	} {
		if got := FlagChangeText(c.add, c.remove, c.addK, c.removeK); got != c.want {
			t.Errorf("FlagChangeText(%v, %v, %q, %q) = %q, want %q", c.add, c.remove, c.addK, c.removeK, got, c.want)
		}
	}
}
