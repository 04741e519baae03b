package imap_test

import (
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/storetest"
)

// TestConformanceMemServer runs the store conformance suite against
// go-imap's in-process server over STARTTLS.
func TestConformanceMemServer(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) (store.Store, func(string) string) {
			m := startMemServer(t, true)
			st, err := m.dial(t, "", imap.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return st, func(rel string) string { return "mail/" + rel }
		},
		Delim:   '/',
		Parents: storetest.ParentNone,
	})
}
