package msgid

import (
	"reflect"
	"testing"
)

func TestParseAlgorithm(t *testing.T) {
	tests := []struct {
		in   string
		want Algorithm
		ok   bool
	}{
		{"msgid", MsgID, true},
		{"md5", MD5, true},
		{"MD5", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		if got, ok := ParseAlgorithm(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseAlgorithm(%q) = %v, %v", tt.in, got, ok)
		}
	}
}

func TestComputeMsgID(t *testing.T) {
	tests := []struct {
		name, hdr string
		want      ID
	}{
		{"plain", "Message-ID: <a@b>\n", ID{Value: "<a@b>"}},
		{"bare", "Message-ID: bare@x\n", ID{Value: "<bare@x>", Repair: AddedBrackets}},
		{"space", "Message-ID: <with space@x>\n", ID{Value: "<with.space@x>", Repair: ReplacedBlanks}},
		{"comment cut", "Message-ID: <tr@x> (comment)\n", ID{Value: "<tr@x>"}},
		{"open", "Message-ID: <open@x\n", ID{Value: "<open@x>", Repair: AddedBrackets}},
		{"folded", "Message-ID:\n <fold@x>\n", ID{Value: "<fold@x>"}},
		{"folded with tab", "Message-ID:\n\t<fold@x>\n", ID{Value: "<fold@x>"}},
		{"leading spaces", "Message-ID:    <lead@x>\n", ID{Value: "<lead@x>"}},
		{"tab", "Message-ID: <tab\there@x>\n", ID{Value: "<tab.here@x>", Repair: ReplacedBlanks}},
		{"control", "Message-ID: <ctl\x01x@y>\n", ID{Value: "<ctl.x@y>", Repair: ReplacedBlanks}},
		{"del and rest cut", "Message-ID: <a\x7fb@x>after\n", ID{Value: "<a.b@x>", Repair: ReplacedBlanks}},
		{"vt ff", "Message-ID: <ws \x0b\x0c@x>\n", ID{Value: "<ws...@x>", Repair: ReplacedBlanks}},
		{"blanks and brackets", "Message-ID: no brackets here\n",
			ID{Value: "<no.brackets.here>", Repair: AddedBrackets}},
		{"two ids", "Message-ID: <a@b> <c@d>\n", ID{Value: "<a@b>"}},
		{"gt inside", "Message-ID: <a>b>\n", ID{Value: "<a>"}},
		{"first wins", "Message-ID: <1@x>\nMessage-ID: <2@x>\n", ID{Value: "<1@x>"}},
		{"crlf", "Message-ID: <c@x>\r\n\r\n", ID{Value: "<c@x>"}},
		{"8-bit kept", "Message-ID: <\xe9@x>\n", ID{Value: "<\xe9@x>"}},
		{"missing", "Subject: s\n", ID{Value: "<>", Missing: true}},
		{"empty", "Message-ID:\n", ID{Value: "<>", Missing: true}},
		{"blank", "Message-ID:    \n", ID{Value: "<>", Missing: true}},
		{"empty brackets", "Message-ID: <>\n", ID{Value: "<>", Missing: true}},
		{"only <", "Message-ID: <\n", ID{Value: "<>", Missing: true, Repair: AddedBrackets}},
		{"only >", "Message-ID: >\n", ID{Value: "<>", Missing: true, Repair: AddedBrackets}},
		{"<>>", "Message-ID: <>>\n", ID{Value: "<>", Missing: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compute(MsgID, []byte(tt.hdr)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Compute(%q) = %+v, want %+v", tt.hdr, got, tt.want)
			}
		})
	}
}

func TestSanitizeUnfoldedSpace(t *testing.T) {
	// c-client never leaves a leading space; mailsync still strips one
	// before '<' (a Message-ID folded with a bare LF on some servers).
	if got, rep := sanitize([]byte(" <x@y>")); got != "<x@y>" || rep != NotRepaired {
		t.Errorf("sanitize = %q, %q", got, rep)
	}
}

func TestComputeMD5(t *testing.T) {
	tests := []struct {
		name, hdr string
		want      ID
	}{
		{"spec example 1", "Date: Mon, 01 Jan 2024 10:00:00 +0000\nFrom: Alice <alice@example.org>\n" +
			"To: bob@example.org\nSubject: with-id\nMessage-ID: <h1@x>\n\n",
			ID{Value: "e621d808335081ce60016e1aa32d64e5"}},
		{"spec example 2", "Date: Mon, 01 Jan 2024 10:00:00 +0000\nFrom: alice\n" +
			"To: undisclosed-recipients:;\nSubject: no host\n\n",
			ID{Value: "9ba72f9b5ca701d79f78fd1ce7bdad8f"}},
		{"cc ignored", "Date: Mon, 01 Jan 2024 10:00:00 +0000\nFrom: Alice <alice@example.org>\n" +
			"To: bob@example.org\nCc: carol@example.org\nSubject: with-id\nMessage-ID: <h1@x>\n\n",
			ID{Value: "e621d808335081ce60016e1aa32d64e5"}},
		{"nothing to hash", "Cc: a@b\nX-Other: x\n\n", ID{Missing: true}},
		{"empty fields", "Date:\nSubject:\nMessage-ID:\nFrom: (comment)\n\n", ID{Missing: true}},
		{"only group", "To: undisclosed:;\n", ID{Missing: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compute(MD5, []byte(tt.hdr)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Compute(MD5, %q) = %+v, want %+v", tt.hdr, got, tt.want)
			}
		})
	}
}

func TestVerifiedAgainst527(t *testing.T) {
	for _, tt := range md5Verified {
		if got := Compute(MD5, []byte(tt.hdr)); got.Value != tt.want {
			t.Errorf("md5 of %q = %q, 5.2.7 says %q", tt.hdr, got.Value, tt.want)
		}
	}
	for _, tt := range msgidVerified {
		if got := Compute(MsgID, []byte(tt.hdr)); got.Value != tt.want {
			t.Errorf("msgid of %q = %q, 5.2.7 says %q", tt.hdr, got.Value, tt.want)
		}
	}
}

// TestNULReadAsStored: a NUL byte in the header counts as the 0x80 that
// a store writes in its place (c-client's mbox appends, Dovecot), so
// the original and its copy have the same id in both modes.
func TestNULReadAsStored(t *testing.T) {
	orig := []byte("Message-ID: <a\x00b@x>\nSubject: s\x00t\nDate: d\nFrom: f@x\n\n")
	stored := []byte("Message-ID: <a\x80b@x>\nSubject: s\x80t\nDate: d\nFrom: f@x\n\n")
	for _, alg := range []Algorithm{MsgID, MD5} {
		got, want := Compute(alg, orig), Compute(alg, stored)
		if got.Value != want.Value {
			t.Errorf("alg %v: id of the original %q, of the stored copy %q", alg, got.Value, want.Value)
		}
	}
	if id := Compute(MsgID, orig).Value; id != "<a\x80b@x>" {
		t.Errorf("id %q, want <a\\x80b@x>", id)
	}
	if orig[14] != 0 {
		t.Error("Compute changed the header it was given")
	}
}
