package msgid

import (
	"testing"

	"github.com/mailsync/mailsync/internal/header"
)

// referenceMsgID is Compute in msgid mode built on header.Get, the
// unfolding every other field of the engine goes through: Compute (via
// header.AppendValue) must give the same value without its allocations.
func referenceMsgID(hdr []byte) ID {
	raw, _ := header.Get(storedForm(hdr), "Message-ID")
	if raw == "" || raw == "<>" {
		raw = "<>"
	}
	id, repair := sanitize([]byte(raw))
	return ID{Value: id, Missing: id == "<>", Repair: repair}
}

var fieldSeeds = []string{
	"Message-ID: <a@b>\nFrom: A <a@b>\n\n",
	"Subject: x\r\nmessage-id\t: \t<fold\r\n\t@x>\r\n\r\nMessage-ID: <body@x>\n",
	"X: a\x00Message-ID: <after-nul@x>\nMessage-ID: <second@x>\n",
	"Message-ID\r: <cr-in-name@x>\n",
	"Message-\n ID: <not@x>\nMessage-ID:<tight@x>\n",
	"no colon line\nMessage-ID: " + string(make([]byte, 300)) + "<long@x>\n",
	"\nMessage-ID: <after-empty-line@x>\n",
	"Message-ID: \n",
	"Message-ID",
	" Message-ID: <leading-space@x>\n",
}

// FuzzAppendField checks Compute's own unfolding against header.Get.
func FuzzAppendField(f *testing.F) {
	for _, s := range fieldSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, hdr []byte) {
		got, want := Compute(MsgID, hdr), referenceMsgID(hdr)
		if got != want {
			t.Errorf("Compute(%q) = %+v, header.Get gives %+v", hdr, got, want)
		}
	})
}

// TestComputeAllocations: an id costs one allocation (its string), however
// many fields the header has; it runs once per message of every box.
func TestComputeAllocations(t *testing.T) {
	hdr := []byte("From: Carol Tanaka <carol.tanaka@mail.example.org>\nTo: Victor Silva <victor.silva@example.net>\n" +
		"Subject: Re: Lunch on Friday? #0\nDate: Mon, 02 Jan 2023 09:11:00 +0000\n" +
		"Message-ID: <20230102091100.000000.c6ae4e3b@mail.example.org>\n\n")
	var id ID
	n := testing.AllocsPerRun(100, func() { id = Compute(MsgID, hdr) })
	if id.Value != "<20230102091100.000000.c6ae4e3b@mail.example.org>" {
		t.Fatalf("id %q", id.Value)
	}
	if n > 1 {
		t.Errorf("Compute(MsgID) makes %v allocations per message, want 1", n)
	}
}
