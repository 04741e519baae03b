package imap

import "testing"

// TestProgressCounts: which server bytes the stall watchdog counts as
// progress, whatever the reads' boundaries.
func TestProgressCounts(t *testing.T) {
	tests := []struct {
		name   string
		stream string
		want   bool
	}{
		{"status noise", "* OK still here\r\n* NO [ALERT] disk\r\n* BAD junk\r\n* BYE later\r\n* ok lower\r\n* OK\r\n", false},
		{"tagged answer", "T5 OK done\r\n", true},
		{"data", "* 3 EXISTS\r\n", true},
		{"fetch", "* 1 FETCH (UID 1 FLAGS ())\r\n", true},
		{"continuation", "+ go ahead\r\n", true},
		{"status code only", "* OK [UIDNEXT 5] ok\r\n", false},
		{"NOTIFY-like word is data", "* NOTHING 1\r\n", true},
	}
	for _, tt := range tests {
		for split := 1; split <= len(tt.stream); split++ {
			var p progress
			got := false
			for s := tt.stream; len(s) > 0; {
				n := min(split, len(s))
				got = p.feed([]byte(s[:n])) || got
				s = s[n:]
			}
			if got != tt.want {
				t.Errorf("%s, read %d bytes at a time: progress %v, want %v", tt.name, split, got, tt.want)
				break
			}
		}
	}
}

// TestProgressLiteral: the bytes of a literal are progress even when
// they look like noise, and the response goes on after it.
func TestProgressLiteral(t *testing.T) {
	var p progress
	if !p.feed([]byte("* 1 FETCH (BODY[] {17}\r\n")) {
		t.Fatal("a FETCH line is progress")
	}
	if !p.feed([]byte("* OK not noise\r\n")) {
		t.Error("a literal that looks like noise is not progress")
	}
	if p.lit != 1 {
		t.Fatalf("%d literal bytes left, want 1", p.lit)
	}
	if !p.feed([]byte("x)\r\n")) {
		t.Error("the end of the literal and of its response is not progress")
	}
	if p.feed([]byte("* OK noise again\r\n")) {
		t.Error("noise after the response counts as progress")
	}
	var q progress
	q.feed([]byte("* OK [ALERT] {5}\r\n"))
	if !q.feed([]byte("abcde")) || q.lit != 0 {
		t.Error("literal bytes are progress wherever they are")
	}
}
