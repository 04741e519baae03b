package imap_test

import (
	"io"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/store"
)

// printed is a store.Remote's Notes that writes each login note to w as
// the command prints it (package channel/event), so that tests see the
// lines 5.2.7 prints while logging in.
func printed(w io.Writer) func(store.Note) {
	return func(n store.Note) {
		event.Printer{}.Print(event.Streams{Stdout: w, Stderr: w}, event.Note{Note: n})
	}
}
