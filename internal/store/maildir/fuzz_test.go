package maildir

import (
	"sort"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// FuzzParseName checks the parsing of Maildir file names and their ":2,"
// info on any name: it never panics; the unique part is the name up to
// the first ':'; the info is what follows ":2," (else empty); the flags
// are exactly the known letters of the info, plus Recent in new/; the
// S= and W= sizes are -1 or more; adding T gives sorted letters without
// repeats; the flags written back as letters read back as the same
// flags; and mailbox order is a strict order.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{
		"1704103200.M1P1.testhost:2,S",
		"1704189600.M2P1.testhost",
		"1700000000.M123456P789Q1.host,S=1234,W=1260:2,FRST",
		"1700000000.M000001P1Q2.host\\057x\\072y,S=5,W=6:2,DFRST",
		"x:1,experimental",
		"x:2,",
		"x:2,,S",
		":2,S",
		"123.456.789:2,zyxSS",
		"-1.M-5P1.h,S=-3,W=abc",
		"1.M99999999999999999999.h",
	} {
		f.Add("cur", s)
	}
	f.Add("new", "1704189600.M2P1.testhost")
	f.Fuzz(func(t *testing.T, sub, name string) {
		fl := parseName(sub, name)
		if fl.name != name || fl.sub != sub {
			t.Fatalf("parseName(%q, %q) = %+v: name or sub not kept", sub, name, fl)
		}
		uniq, rest, hasInfo := strings.Cut(name, ":")
		if fl.uniq != uniq {
			t.Fatalf("parseName(%q): unique part %q, want %q", name, fl.uniq, uniq)
		}
		wantInfo := ""
		if hasInfo && strings.HasPrefix(rest, "2,") {
			wantInfo = rest[2:]
		}
		if fl.info != wantInfo {
			t.Fatalf("parseName(%q): info %q, want %q", name, fl.info, wantInfo)
		}
		if fl.size < -1 || fl.vsize < -1 || fl.sec < 0 {
			t.Fatalf("parseName(%q): size %d, vsize %d, sec %d", name, fl.size, fl.vsize, fl.sec)
		}
		flags := fl.flags()
		for _, l := range flagLetters {
			if has := strings.ContainsRune(fl.info, rune(l.letter)); has != (flags&l.flag != 0) {
				t.Fatalf("parseName(%q): flags %b, letter %c in info: %v", name, flags, l.letter, has)
			}
		}
		if (flags&store.Recent != 0) != (sub == "new") {
			t.Fatalf("parseName(%q, %q): Recent is %v", sub, name, flags&store.Recent != 0)
		}
		withT := addLetter(fl.info, 'T')
		if !sort.SliceIsSorted([]byte(withT), func(i, j int) bool { return withT[i] < withT[j] }) || !strings.Contains(withT, "T") {
			t.Fatalf("addLetter(%q, T) = %q: not sorted or without T", fl.info, withT)
		}
		for i := 1; i < len(withT); i++ {
			if withT[i] == withT[i-1] {
				t.Fatalf("addLetter(%q, T) = %q repeats a letter", fl.info, withT)
			}
		}
		for _, c := range []byte(fl.info) {
			if strings.IndexByte(withT, c) < 0 {
				t.Fatalf("addLetter(%q, T) = %q lost %q", fl.info, withT, c)
			}
		}
		copied := flags & store.CopiedFlags
		back := parseName("cur", "x:2,"+letters(copied)).flags()
		if back != copied {
			t.Fatalf("flags %b written as %q read back as %b", copied, letters(copied), back)
		}
		other := parseName("cur", "1700000000.M1P1.h:2,S")
		if fl.before(&fl) || fl.before(&other) && other.before(&fl) {
			t.Fatalf("parseName(%q): mailbox order is not strict", name)
		}
	})
}
