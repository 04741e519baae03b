package imap_test

import (
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/storetest"
)

// TestConformanceMemServer runs the store conformance suite against
// go-imap's in-process server over STARTTLS.
// With a header cache, every listing after the first in a folder comes
// from it (storetest reopens folders and lists them again).
func TestConformanceMemServer(t *testing.T) {
	for _, cache := range []bool{false, true} {
		t.Run(map[bool]string{false: "NoCache", true: "HeaderCache"}[cache], func(t *testing.T) {
			storetest.Run(t, storetest.Harness{
				New: func(t *testing.T) (store.Store, func(string) string) {
					m := startMemServer(t, true)
					opt := imap.Options{}
					if cache {
						opt.CacheDir = t.TempDir()
					}
					st, err := m.dial(t, "", opt)
					if err != nil {
						t.Fatal(err)
					}
					return st, func(rel string) string { return "mail/" + rel }
				},
				Delim:         '/',
				Parents:       storetest.ParentNone,
				KeepsKeywords: true,
			})
		})
	}
}
