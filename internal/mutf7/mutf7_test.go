package mutf7

import (
	"testing"
	"unicode/utf8"
)

func TestKnownNames(t *testing.T) {
	for _, tc := range []struct{ utf8, mutf7 string }{
		{"INBOX", "INBOX"},
		{"privé", "priv&AOk-"},
		{"Reisen Übersicht", "Reisen &ANw-bersicht"},
		{"Tom & Jerry", "Tom &- Jerry"},
		{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"}, // RFC 3501's example
		{"Entwürfe", "Entw&APw-rfe"},
		{"😀", "&2D3eAA-"},
		{"a\nb", "a&AAo-b"},
	} {
		if got := Encode(tc.utf8); got != tc.mutf7 {
			t.Errorf("Encode(%q) = %q, want %q", tc.utf8, got, tc.mutf7)
		}
		if got, err := Decode(tc.mutf7); err != nil || got != tc.utf8 {
			t.Errorf("Decode(%q) = %q, %v; want %q", tc.mutf7, got, err, tc.utf8)
		}
		if !Canonical(tc.mutf7) {
			t.Errorf("Canonical(%q) = false", tc.mutf7)
		}
	}
	for _, bad := range []string{"privé", "a&b", "&", "&AOk", "&AE-", "&AGE-", "&2D0-", "a\tb", "&AOkA-"} {
		if _, err := Decode(bad); err == nil {
			t.Errorf("Decode(%q) succeeded", bad)
		}
		if Canonical(bad) {
			t.Errorf("Canonical(%q) = true", bad)
		}
	}
}

// FuzzRoundTrip: every UTF-8 name survives Encode and Decode, its
// encoding is canonical printable ASCII, and whatever Decode accepts
// encodes back to itself (one spelling per name: nothing is ever encoded
// twice or paired under two names).
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"", "privé", "Tom & Jerry", "&AOk-", "&-", "a&AGEAYgBj-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if utf8.ValidString(s) {
			e := Encode(s)
			d, err := Decode(e)
			if err != nil || d != s {
				t.Fatalf("Decode(Encode(%q)) = %q, %v (encoded %q)", s, d, err, e)
			}
			for i := 0; i < len(e); i++ {
				if e[i] < 0x20 || e[i] > 0x7e {
					t.Fatalf("Encode(%q) = %q is not printable ASCII", s, e)
				}
			}
		}
		if d, err := Decode(s); err == nil && Encode(d) != s {
			t.Fatalf("Decode(%q) = %q, which encodes as %q", s, d, Encode(d))
		}
	})
}
