package imap

import (
	"context"
	"fmt"
	"io"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.AppendStarter = (*Mailbox)(nil)

// StartAppend implements store.AppendStarter (doc/design/wan.md,
// "Several folders at once"): the APPEND is sent with its literal and
// the answer is left to finish, so appends follow each other without a
// round trip each, whatever their size (literalplus.go). Only on a server
// with LITERAL+ (the literal goes
// without waiting for the server's go-ahead; without it every literal
// costs a round trip anyway, and a refusal before the literal needs the
// care of Append) and without a protocol trace, whose order stays that
// of one command after the other. What finish returns is what Append
// would have returned.
func (m *Mailbox) StartAppend(ctx context.Context, nm store.NewMessage) (func() error, bool) {
	if m.mode == store.ReadOnly || m.noInsert != nil || m.closed || m.broken || m.st.trace != nil || m.lent != nil ||
		!m.sess.c.Caps().Has(goimap.CapLiteralPlus) || !m.sess.alive() {
		return nil, false
	}
	var sendErr error
	var cmd interface {
		Wait() (*goimap.AppendData, error)
	}
	err := m.run(ctx, func() error {
		// go-imap would wait for the server's go-ahead before a literal
		// above 4 KB (literalplus.go).
		if lp := m.sess.literals; lp != nil {
			lp.arm(true)
			defer lp.arm(false)
		}
		c := m.sess.c.Append(wire(m.name), nm.Size, &goimap.AppendOptions{
			Flags: toIMAP(nm.Flags & store.CopiedFlags), Time: nm.InternalDate,
		})
		n, err := io.CopyN(c, nulReader{nm.Body}, nm.Size)
		if err != nil {
			// Half sent: the connection cannot go on (Append).
			m.broken = true
			m.sess.c.Close()
			c.Close()
			return fmt.Errorf("read message after %d of %d bytes: %w", n, nm.Size, err)
		}
		if err := c.Close(); err != nil {
			return err
		}
		cmd = c
		return nil
	})
	if err != nil {
		sendErr = err
	}
	return func() error {
		if sendErr != nil {
			return fmt.Errorf("append to %s: %s", m.name, errText(sendErr))
		}
		err := m.run(ctx, func() error {
			_, err := cmd.Wait()
			m.appended = true
			return err
		})
		if err != nil {
			return fmt.Errorf("append to %s: %s", m.name, errText(err))
		}
		return nil
	}, true
}
