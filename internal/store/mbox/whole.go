package mbox

import (
	"errors"
	"io"
	"os"

	"github.com/mailsync/mailsync/internal/store"
)

// Whole is a small mbox file read whole into memory, to be replaced whole
// by what c-client would leave in it after opening it read-write,
// expunging some of its messages and appending one: the msinfo file
// (package msinfo), which mailsync 5.2.7 reads and writes that way.
// Replacing the file atomically is the caller's business; Whole only
// produces the bytes. doc/design/state.md, "The msinfo".
type Whole struct {
	data []byte
	rf   *rawFile
}

// WholeMessage is one message of a Whole: its header lines without
// c-client's metadata (Status:, X-UID: ...) and without the blank line
// that ends them, and its text without the blank line that separates it
// from the next message. Both point into the file's bytes.
type WholeMessage struct {
	Header, Body []byte
}

// ReadWhole reads the mbox file at path; a missing file is an empty
// mailbox. Errors name path.
func ReadWhole(path string) (*Whole, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Whole{rf: &rawFile{}}, nil
	}
	if err != nil {
		return nil, err
	}
	rf, err := parseBytes(data, path)
	if err != nil {
		return nil, err
	}
	return &Whole{data: data, rf: rf}, nil
}

// Messages returns the messages of the file in order (the pseudo message
// that c-client keeps first in a file is not one of them).
func (w *Whole) Messages() []WholeMessage {
	out := make([]WholeMessage, len(w.rf.Messages))
	for i, m := range w.rf.Messages {
		out[i] = WholeMessage{Header: m.Header, Body: m.Body}
	}
	return out
}

// Replace writes to out the file as c-client leaves it after opening it
// read-write (UIDs given to messages without one, and then the whole file
// rewritten if anything changed), expunging the messages drop selects
// (by their index in Messages) and appending m. The message is formatted
// as it is written, never whole in memory. Whole is not to be used again
// afterwards.
func (w *Whole) Replace(out io.Writer, env store.Env, drop func(i int) bool, m store.NewMessage) error {
	rf := w.rf
	changed := rf.assignUIDs(env)
	kept := rf.Messages[:0:0]
	for i, msg := range rf.Messages {
		if drop(i) {
			changed = true
			continue
		}
		kept = append(kept, msg)
	}
	rf.Messages = kept
	head := w.data
	if changed {
		head = rf.rewrite(env)
	}
	if len(head) == 0 && len(rf.Messages) == 0 && !rf.Pseudo {
		head = PseudoCreate(env)
	}
	if _, err := out.Write(head); err != nil {
		return err
	}
	_, err := WriteAppend(out, env, m)
	return err
}
