package local_test

import (
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/maildir"
	"github.com/mailsync/mailsync/internal/store/storetest"
)

// TestConformanceMaildirPlusPlus runs the suite below ~/Maildir, a Maildir
// root: Create makes Maildir++ sub-folders (~/Maildir/.dir.c for
// "Maildir/dir/c"), whose implied parents are listed not selectable.
// The header cache is on (the nested run below has it off), so every
// check also passes through it.
func TestConformanceMaildirPlusPlus(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		SignatureTick: 20 * time.Millisecond,
		New: func(t *testing.T) (store.Store, func(string) string) {
			s := newHomeCache(t, true)
			p, err := s.Path("Maildir")
			if err != nil {
				t.Fatal(err)
			}
			if err := maildir.Create(p, false); err != nil {
				t.Fatal(err)
			}
			return s, func(rel string) string { return "Maildir/" + rel }
		},
		Delim:         '/',
		Parents:       storetest.ParentNoSelect,
		KeepsRecent:   true,
		KeepsKeywords: true,
	})
}

// TestConformanceMaildirNested runs the suite in the #maildir namespace
// over the plain directory ~/mail: Create makes nested Maildirs
// (~/mail/dir/c) below plain parent directories.
func TestConformanceMaildirNested(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		SignatureTick: 20 * time.Millisecond,
		New: func(t *testing.T) (store.Store, func(string) string) {
			return newHome(t), func(rel string) string { return "#maildir/mail/" + rel }
		},
		Delim:         '/',
		Parents:       storetest.ParentNoSelect,
		KeepsRecent:   true,
		KeepsKeywords: true,
		Many:          100,
	})
}
