package mbox

import "testing"

func TestValidFrom(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{"From a@b Mon Jan  1 10:00:00 2024\n", true},
		{"From a@b Mon Jan  1 10:00 2024\n", true},
		{"From a@b Mon Jan  1 10:00:00 2024 +0100\n", true},
		{"From a@b Mon Jan  1 10:00:00 PST 2024\n", true},
		{"From a@b Mon Jan  1 10:00:00 2024 remote from host\n", true},
		{"From a@b Mon Jan  1 10:00:00 2024\r\n", true},
		{"From - Tue Nov 14 22:13:21 2023\r\n", true},
		{"From a@b Mon Jan  1 10:00:00 2024\r\r\n", false},
		{"From a@b Mon Jan  1 10:00:00 2024\x00\n", false},
		{"From a\x00b Mon Jan  1 10:00:00 2024\n", false},
		{"From a@b Mon Jan  1 10:00:00 2024", false},
		{"From the start of the line\n", false},
		{"From a@b Tue Nov 14 22:13:21 2023 é\n", false},
		{">From a@b Mon Jan  1 10:00:00 2024\n", false},
		{"From \n", false},
	} {
		if got := validFrom([]byte(tc.line)).ok; got != tc.ok {
			t.Errorf("%q: %v", tc.line, got)
		}
	}
}
