package flagstate

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
)

// benchState is a channel of 10 boxes of 10,000 ids each, with records.
func benchState() (msinfo.State, Records) {
	s, r := msinfo.State{}, Records{}
	for b := range 10 {
		box := fmt.Sprintf("box%d", b)
		for i := range 10000 {
			s[box] = append(s[box], fmt.Sprintf("<%02d.%06d.c6ae4e3b@mail.example.org>", b, i))
			r[box] = append(r[box], Record(store.Flags(i%32)))
		}
	}
	return s, r
}

// BenchmarkNoOpRun is what a run that changes nothing costs the flag
// state of a channel of 100,000 messages, as cmd/mailsync makes it: the
// digests of the old and the new state, Load, then the two Saves of the
// commit order (which write nothing).
func BenchmarkNoOpRun(b *testing.B) {
	s, r := benchState()
	path := filepath.Join(b.TempDir(), "m.flags")
	if err := Save(path, "ch", gen(s, r)); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		old := DigestOf(s, false)
		got := Load(path, "ch", old, s)
		if len(got) != 10 {
			b.Fatal("no records")
		}
		next := Generation{Digest: DigestOf(s, false), State: s, Records: got}
		if err := Save(path, "ch", next, Generation{Digest: old, State: s, Records: got}); err != nil {
			b.Fatal(err)
		}
		if err := Save(path, "ch", next); err != nil {
			b.Fatal(err)
		}
	}
}
