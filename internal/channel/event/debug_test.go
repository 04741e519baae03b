package event

import (
	"errors"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// debugCases are the -d events with the bytes 5.2.7 prints for each (on
// stdout), as the engine and the command printed them before they were
// events; TestEveryEventIsWorded counts them among the examples.
var debugCases = []struct {
	ev   Event
	want string
}{
	{Opening{Full: "/h/mail/inbox", Options: 2}, "Opening /h/mail/inbox with options 2\n"},
	{Opening{Full: "{127.0.0.1:143/notls}", Options: 67}, "Opening {127.0.0.1:143/notls} with options 67\n"},
	{Opening{Full: "inbox"}, "Opening inbox with options 0\n"},
	{CopyingMessages{From: "local", To: "remote"}, ` Copying messages from store "local" to store "remote"` + "\n"},
	{Removing{Store: "local"}, ` Removing messages from store "local"` + "\n"},
	{Expunging{}, " Expunging messages\n"},
	{MessageFlags{}, ` Flags: ""` + "\n"},
	{MessageFlags{Flags: store.Draft | store.Seen | store.Answered | store.Flagged | store.Deleted},
		` Flags: " \Seen \Deleted \Flagged \Answered \Draft"` + "\n"},
	{FetchingIDs{Mailbox: `{h:143/imap/notls/readonly/user="sam"}INBOX`},
		` Fetching message id's in mailbox "{h:143/imap/notls/readonly/user="sam"}INBOX"` + "\n"},
	{NotSelectable{Box: "mail"}, "mail is not selectable: skipping\n"},
	{BoxCreated{Box: "work", Store: "remote"}, "Created work in remote\n"},
	{BoxCreated{Box: "work", Store: "remote", Failed: true}, "Failed to create work in remote\n"},
	{NoDriver{Store: "local"}, "No driver for store local found\n"},
	{StoreItems{Store: "local"}, ` Items in store "local":` + "\n"},
	{StoreItems{Store: "r", Lead: `{h:143/imap/readonly}<no_mailbox>{h:143}`, Items: []store.ListEntry{
		{Name: "INBOX", NoInferiors: true, Unmarked: true},
		{Name: "INBOX.a", NoSelect: true, Marked: true},
	}}, ` Items in store "r":` + "\n" +
		"  {h:143/imap/readonly}<no_mailbox>{h:143}INBOX, no inferiors, unmarked\n" +
		"  {h:143/imap/readonly}<no_mailbox>{h:143}INBOX.a, no select, marked\n"},
	{Delimiter{Store: "local", Delim: '/'}, ` Delimiter for store "local" is '/'` + "\n"},
	{SeenMailboxes{First: []string{"inbox", "work"}, Second: []string{"inbox"}},
		" All seen mailboxes: \n  in first store: \ninbox work   in second store: \ninbox \n"},
	{SeenMailboxes{}, " All seen mailboxes: \n  in first store: \n  in second store: \n\n"},
	{ReadingLast{Channel: "mail"}, ` Reading lasttime of channel "mail"` + "\n"},
	{LastIDs{Store: "local", Boxes: []LastBox{{"inbox", 3}, {"work", 0}}}, "   Store local:\n    inbox(3) \n    work(0) \n\n"},
	{LastIDs{Store: "remote"}, "   Store remote:\n\n"},
	{SettledNotSaved{Err: errors.New("open /h/.cache: permission denied")},
		"Could not save the settled boxes: open /h/.cache: permission denied\n"},
	{FlagRecordsNotDropped{Err: errors.New("rename x: no space")}, "Could not drop the flag records: rename x: no space\n"},
}

// TestDebugWording: under -d each debug event prints 5.2.7's bytes on
// stdout, in every format; without -d it prints nothing, and no other
// event is one of them.
func TestDebugWording(t *testing.T) {
	for _, c := range debugCases {
		if !IsDebug(c.ev) {
			t.Errorf("%#v is not a debug event", c.ev)
		}
		for _, p := range []Printer{{Debug: true}, {Debug: true, Long: true, ShowIDs: true}} {
			var s sink
			p.Print(&s, c.ev)
			if s.out.String() != c.want || s.err.Len()+s.notes.Len() != 0 {
				t.Errorf("%+v %#v: stdout %q, stderr %q; want %q", p, c.ev, s.out.String(), s.err.String()+s.notes.String(), c.want)
			}
		}
		var s sink
		Printer{Long: true}.Print(&s, c.ev)
		if s.all() != "" {
			t.Errorf("%#v without -d printed %q", c.ev, s.all())
		}
	}
	for _, ev := range examples {
		if IsDebug(ev) {
			t.Errorf("%#v is a debug event", ev)
		}
	}
}
