package mbox

import (
	"strings"
	"testing"
	"time"
)

// TestInternalDateAsCClient checks the internal date of From_ lines
// against what mailsync 5.2.7 (Debian's libc-client2007e) wrote as the
// From_ line of each message copied into a fresh mbox (mail_cdate of the
// date it parsed), run with TZ=UTC. LCL marks the cases where c-client
// fell back to local time (the offset of now), for which the test expects
// the local offset of this process instead of +0000.
func TestInternalDateAsCClient(t *testing.T) {
	local := time.Now().Format("-0700")
	for _, tc := range []struct{ date, want string }{
		{"Tue Nov 14 22:13:21 MET 2023", "Tue Nov 14 22:13:21 2023 +0100"},
		{"Tue Nov 14 22:13:21 2023 MET", "Tue Nov 14 22:13:21 2023 +0100"},
		{"Tue Nov 14 22:13:21 EET 2023", "Tue Nov 14 22:13:21 2023 +0200"},
		{"Tue Nov 14 22:13:21 2023 JST", "Tue Nov 14 22:13:21 2023 +0900"},
		{"Tue Nov 14 22:13:21 2023 ADT", "Tue Nov 14 22:13:21 2023 -0300"},
		{"Tue Nov 14 22:13:21 2023 YDT", "Tue Nov 14 22:13:21 2023 -0800"},
		{"Tue Nov 14 22:13:21 2023 HST", "Tue Nov 14 22:13:21 2023 -1000"},
		{"Tue Nov 14 22:13:21 2023 mst", "Tue Nov 14 22:13:21 2023 -0700"},
		{"Tue Nov 14 22:13 2023 PDT", "Tue Nov 14 22:13:00 2023 -0700"},
		// c-client's compressed zone codes: "ACB" is the code of the
		// letter A (+1), "AC[" the code of Z.
		{"Tue Nov 14 22:13:21 ACB 2023", "Tue Nov 14 22:13:21 2023 +0100"},
		{"Tue Nov 14 22:13:21 AC[ 2023", "Tue Nov 14 22:13:21 2023 +0000"},
		{"Tue Nov 14 22:13:21 2023 BST", "Tue Nov 14 22:13:21 2023 LCL"},
		{"Tue Nov 14 22:13:21 2023 nst", "Tue Nov 14 22:13:21 2023 LCL"},
		{"Tue Nov 14 22:13:21 xyz 2023", "Tue Nov 14 22:13:21 2023 LCL"},
		{"Tue Nov 14 22:13:21 2023 Z12", "Tue Nov 14 22:13:21 2023 LCL"},
		{"Tue Nov 14 22:13:21 2023 z  ", "Tue Nov 14 22:13:21 2023 LCL"},
		{"Tue Nov 14 22:13:21 2023", "Tue Nov 14 22:13:21 2023 LCL"},
		{"Tue Nov  4 22:13:21 2023 remote from foo", "Sat Nov  4 22:13:21 2023 LCL"},
		// numeric zones: invalid digits give +0000 (not local time);
		// the hours are a 4-bit field.
		{"Tue Nov 14 22:13:21 +0130 2023", "Tue Nov 14 22:13:21 2023 +0130"},
		{"Tue Nov 14 22:13:21 2023 -0745", "Tue Nov 14 22:13:21 2023 -0745"},
		{"Tue Nov 14 22:13:21 2023 +AB12", "Tue Nov 14 22:13:21 2023 +0000"},
		{"Tue Nov 14 22:13:21 2023 +0160", "Tue Nov 14 22:13:21 2023 +0000"},
		{"Tue Nov 14 22:13:21 2023 +2400", "Tue Nov 14 22:13:21 2023 +0800"},
		// 5.2.7 writes -0000 here; a time.Time cannot tell it from +0000.
		{"Tue Nov 14 22:13:21 2023 -AB12", "Tue Nov 14 22:13:21 2023 +0000"},
		// a bad time keeps the day at 00:00:00 +0000; a bad day is the epoch.
		{"Tue Nov 14 25:13:21 2023", "Tue Nov 14 00:00:00 2023 +0000"},
		{"Tue Nov 14 2x:13:21 2023", "Tue Nov 14 00:00:00 2023 +0000"},
		{"Tue Nov 14 22:1x:21 2023", "Tue Nov 14 22:01:00 2023 LCL"},
		{"Tue Nov 14 22:13:2x 2023", "Tue Nov 14 22:13:02 2023 LCL"},
		{"Tue Xyz 14 22:13:21 2023", "Thu Jan  1 00:00:00 1970 +0000"},
		{"Tue Nov 00 22:13:21 2023", "Thu Jan  1 00:00:00 1970 +0000"},
		{"Tue Nov 32 22:13:21 2023", "Thu Jan  1 00:00:00 1970 +0000"},
		{"Tue Nov 14 22:13:21 1969", "Thu Jan  1 00:00:00 1970 +0000"},
		{"Tue Nov 14 22:13:21 0049", "Thu Jan  1 00:00:00 1970 +0000"},
		{"Tue Nov 14 22:13:21 2098", "Thu Jan  1 00:00:00 1970 +0000"},
		{"Tue Nov 14 22:13:21 2097", "Thu Nov 14 22:13:21 2097 LCL"},
		{"Tue Nov 14 22:13:21   48", "Sat Nov 14 22:13:21 2048 LCL"},
		{"Tue Nov +5 22:13:21 2023", "Sun Nov  5 22:13:21 2023 LCL"},
		{"Tue nOV 14 22:13:21 2023", "Tue Nov 14 22:13:21 2023 LCL"},
	} {
		want := strings.Replace(tc.want, "LCL", local, 1)
		for _, end := range []string{"\n", "\r\n"} {
			line := "From a@b " + tc.date + end
			fi := validFrom([]byte(line))
			if !fi.ok {
				t.Errorf("%q: not a From_ line", line)
				continue
			}
			if got := cdate(fi.date); got != want {
				t.Errorf("%q: internal date %s, 5.2.7 %s", line, got, want)
			}
		}
	}
}

// TestParseCDateForms covers the forms of mail_parse_date no From_ line
// produces (they are part of the transcription all the same).
func TestParseCDateForms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want eltDate
	}{
		{"11/14/23", true, eltDate{day: 14, month: 11, year: 53}},
		{"2023-11-14", true, eltDate{day: 14, month: 11, year: 53}},
		{"20231114", true, eltDate{day: 14, month: 11, year: 53}},
		{"Tue, 14 November 2023 22:13:21 +0100", true, eltDate{day: 14, month: 11, year: 53, hours: 22, minutes: 13, seconds: 21, zhours: 1}},
		{"14-Nov-2023 22:13:21-Z", true, eltDate{day: 14, month: 11, year: 53, hours: 22, minutes: 13, seconds: 21}},
		{"14-Nov-2023 22:13:21-EDTX", true, eltDate{day: 14, month: 11, year: 53, hours: 22, minutes: 13, seconds: 21}},
		{"14-Nov-2023 22:13:21-Q", true, eltDate{day: 14, month: 11, year: 53, hours: 22, minutes: 13, seconds: 21, west: true, zhours: 4}},
		{"14-Nov-2023 22:13:21-UT", true, eltDate{day: 14, month: 11, year: 53, hours: 22, minutes: 13, seconds: 21}},
		{"0", false, eltDate{}},
		{"", false, eltDate{}},
		{"14-Nov-2023 22", false, eltDate{day: 14, month: 11, year: 53}},
	} {
		got, ok := parseCDate([]byte(tc.in))
		if strings.Contains(tc.in, "EDTX") { // four letters: local time
			tc.want.west, tc.want.zhours, tc.want.zminutes = localZone()
		}
		if ok != tc.ok || got != tc.want {
			t.Errorf("%q: %+v %v, want %+v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
