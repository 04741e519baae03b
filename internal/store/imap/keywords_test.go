package imap

import (
	"fmt"
	"testing"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
)

// TestKeywordsOfFlags: a FETCH's FLAGS give as keywords the atoms that
// are not system flags, at most store.MaxKeywords of them however many a
// server sends (a hostile one: the work per message stays bounded).
func TestKeywordsOfFlags(t *testing.T) {
	if got := keywordsOf([]goimap.Flag{`\Seen`, "$Junk", `\Recent`, "work", "x(y", "$junk"}); got != store.KeywordsOf("$Junk", "work") {
		t.Errorf("keywords %q", got)
	}
	var many []goimap.Flag
	for i := range 3000 {
		many = append(many, goimap.Flag(fmt.Sprintf("k%04d", i)))
	}
	if n := len(keywordsOf(many).Names()); n != store.MaxKeywords {
		t.Errorf("%d keywords kept of 3000 sent, want %d", n, store.MaxKeywords)
	}
}
