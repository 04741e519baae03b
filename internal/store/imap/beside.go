package imap

import (
	"errors"
	"fmt"
	"io"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Two listings at once (ahead.go): the flags of the whole folder and the
// description of its newest messages are asked for together. A server
// may answer them interleaved (Dovecot runs such FETCHes side by side),
// and go-imap hands each answer to its own command's reader only, in
// arrival order: reading one command to its end before the other would
// wait forever for an answer stuck behind a header literal of the other.
// So the flags, which carry no literal, are read in a goroutine of their
// own while the descriptions are read as every listing is (eachListed).

// flagsAnswer is a flags listing read beside another command.
type flagsAnswer struct {
	msgs []*listedMsg
	err  error // the command's outcome
	// drop: a literal too large to drain came in the answer (no flags
	// listing has one); the connection was closed because of it.
	drop error
}

// listBeside reads the flags listing flags and the description listing
// described, sent one behind the other, at once. It hands each message of
// flags that inBox accepts to onFlags, in the order of the answer, and
// returns the messages of described. An error of flags is returned as
// eachListed would; a refusal (NO) of described only leaves its messages
// out (the caller describes what it still lacks).
func (m *Mailbox) listBeside(flags, described *imapclient.FetchCommand, inBox func(uint32, uint64) bool, onFlags func(*listedMsg)) ([]*listedMsg, error) {
	ch := make(chan flagsAnswer, 1)
	sess := m.sess
	name := m.name
	go func() {
		ch <- readFlags(sess, name, flags)
	}()
	var out []*listedMsg
	derr := m.eachListed(described, func(uint32, uint64) bool { return true }, func(l *listedMsg) {
		out = append(out, l)
	})
	f := <-ch
	if f.drop != nil {
		m.abandon(f.drop)
		return nil, m.dropped
	}
	if derr != nil && !m.broken && errors.As(derr, new(*goimap.Error)) {
		out, derr = nil, nil
	}
	if f.err != nil {
		return nil, f.err
	}
	if derr != nil {
		return nil, derr
	}
	for _, l := range f.msgs {
		if l.uid != 0 && inBox(l.seq, l.uid) {
			onFlags(l)
		}
	}
	return out, nil
}

// readFlags reads a UID FETCH (UID FLAGS) answer (or one that asks for
// RFC822.SIZE too, flagsince.go) without touching the Mailbox (it runs
// beside the goroutine that owns it). A literal, which such an answer
// never has, is drained up to drainMax; a larger one closes the
// connection (literal.go).
func readFlags(sess *session, name string, cmd *imapclient.FetchCommand) flagsAnswer {
	var f flagsAnswer
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		l := &listedMsg{seq: msg.SeqNum}
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				l.uid = uint64(it.UID)
			case imapclient.FetchItemDataFlags:
				l.flags, l.gotFlags = it.Flags, true
			case imapclient.FetchItemDataRFC822Size:
				l.size, l.sized = it.Size, true
			case imapclient.FetchItemDataBodySection:
				if it.Literal == nil {
					continue
				}
				if n := it.Literal.Size(); (n < 0 || n > drainMax) && f.drop == nil {
					f.drop = fmt.Errorf("unasked %d-byte literal for message UID %d of %s", n, l.uid, name)
					if sess.conn != nil {
						sess.conn.Close()
					} else {
						go sess.c.Close()
					}
				}
				io.Copy(io.Discard, it.Literal)
			}
		}
		f.msgs = append(f.msgs, l)
	}
	f.err = cmd.Close()
	return f
}
