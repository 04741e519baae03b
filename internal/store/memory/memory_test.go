package memory_test

import (
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
	"github.com/mailsync/mailsync/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) (store.Store, func(string) string) {
			return memory.New(), func(rel string) string { return rel }
		},
		Delim:         memory.Delim,
		Parents:       storetest.ParentNoSelect,
		KeepsRecent:   true,
		KeepsKeywords: true,
	})
}
