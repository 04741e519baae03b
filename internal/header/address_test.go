package header

import (
	"reflect"
	"testing"
)

func TestParseAddressList(t *testing.T) {
	syntax := func(mailbox string) Address { return Address{Mailbox: mailbox, Host: errHost} }
	tests := []struct {
		in   string
		want []Address
	}{
		{"alice@example.org", []Address{{"", "alice", "example.org"}}},
		{"Alice <alice@example.org>", []Address{{"Alice", "alice", "example.org"}}},
		{`"Alice Q. Smith" <a@b.c>`, []Address{{"Alice Q. Smith", "a", "b.c"}}},
		{`"a\\b" <x@y>`, []Address{{`a\b`, "x", "y"}}},
		{`"" <e@b>`, []Address{{"", "e", "b"}}},
		{"Alice (the boss) Smith <a@b.c>", []Address{{"Alice (the boss) Smith", "a", "b.c"}}},
		{"a@b.c (Alice Comment)", []Address{{"Alice Comment", "a", "b.c"}}},
		{"a@b.c ( spaced  comment )", []Address{{"spaced  comment", "a", "b.c"}}},
		{"n@x (outer (inner) tail )", []Address{{"outer (inner) tail", "n", "x"}}},
		{"alice", []Address{{"", "alice", ""}}},
		{"group: g1@x, \"G Two\" <g2@y>;, after@z",
			[]Address{{"", "g1", "x"}, {"G Two", "g2", "y"}, {"", "after", "z"}}},
		{"undisclosed-recipients:;", nil},
		{"outer: inner: deep@x;;, z@y", []Address{{"", "deep", "x"}, {"", "z", "y"}}},
		{"<@route1,@route2:user@host>", []Address{{"", "user", "host"}}},
		{"a at b.c", []Address{{"", "a", "b.c"}}},
		{"a . b @ c . d", []Address{{"", "a.b", "c.d"}}},
		{`"sp ace"@x.y`, []Address{{"", "sp ace", "x.y"}}},
		{"lit@[192.168.0.1]", []Address{{"", "lit", "[192.168.0.1]"}}},
		{"a@b,, c@d,", []Address{{"", "a", "b"}, {"", "c", "d"}}},
		// c-client skips empty list elements only right after a comma.
		{"a@b, , c@d", []Address{{"", "a", "b"}, syntax("INVALID_ADDRESS")}},
		{"(only comment)", nil},
		{"", nil},
		// c-client's error placeholders, as 5.2.7 shows and hashes them.
		{"broken <a@b", []Address{{"broken", "a", "b"}, syntax("MISSING_MAILBOX_TERMINATOR")}},
		{"Alice Smith", []Address{{"", "Alice", ""}, syntax("UNEXPECTED_DATA_AFTER_ADDRESS")}},
		{"a@b junk", []Address{{"", "a", "b"}, syntax("UNEXPECTED_DATA_AFTER_ADDRESS")}},
		{`"unbalanced <x@y>`, []Address{syntax("INVALID_ADDRESS")}},
		{"<>", []Address{syntax("INVALID_ADDRESS")}},
		{"@nolocal", []Address{syntax("INVALID_ADDRESS")}},
		{"a@", []Address{{"", "a", errHost}}},
		{"g: a@b junk;", []Address{{"", "a", "b"}, syntax("UNEXPECTED_DATA_AFTER_ADDRESS_IN_GROUP")}},
	}
	for _, tt := range tests {
		if got := ParseAddressList(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseAddressList(%q) =\n %q\nwant\n %q", tt.in, got, tt.want)
		}
	}
}

func TestAddrSpecs(t *testing.T) {
	tests := []struct {
		hdr, name string
		want      []string
	}{
		{"From: alice\n", "From", []string{`alice@".MISSING-HOST-NAME."`}},
		{"To: \"a\\\"b\"@x, .lead@x, trail.@x, dou..ble@x, \"semi;colon\"@x\n", "To",
			[]string{`"a\"b"@x`, `".lead"@x`, `"trail."@x`, `"dou..ble"@x`, `"semi;colon"@x`}},
		{"To: \"a.b\"@x, \"a\\\\b\"@x, \"\"@x, a@b..c\n", "To",
			[]string{"a.b@x", `"a\\b"@x`, `""@x`, `a@"b..c"`}},
		{"From: first@x\nFrom: G: second@y;\n>From: third@z\n", "From",
			[]string{"first@x", "second@y", "third@z"}},
		{"To: Name <@r:u@h>\nCc: c@d\n", "To", []string{"u@h"}},
		{"To: broken <a@b\n", "To", []string{"a@b", `MISSING_MAILBOX_TERMINATOR@".SYNTAX-ERROR."`}},
	}
	for _, tt := range tests {
		if got := AddrSpecs([]byte(tt.hdr), tt.name); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("AddrSpecs(%q, %q) = %q, want %q", tt.hdr, tt.name, got, tt.want)
		}
	}
}
