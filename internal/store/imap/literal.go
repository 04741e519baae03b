package imap

import (
	"errors"
	"fmt"
	"io"

	goimap "github.com/emersion/go-imap/v2"
)

// What a server's literals may cost (doc/design/trust-memory.md): a
// literal is the only thing a server announces before it sends it, so its
// size is checked before a byte of it is read.
const (
	// headerMax is the largest header-fields literal a listing holds: the
	// fields message identity needs (Message-ID, Date, Subject, From,
	// To) are a few hundred bytes in real mail; a megabyte of them is
	// garbage, and the listing holds every message's header at once.
	headerMax = 1 << 20
	// drainMax is the largest literal that is read and thrown away to
	// keep the connection when its message is refused; beyond it the
	// connection is dropped (reading more only costs time, never
	// memory, but a server can announce and stream without end).
	drainMax = 16 << 20
)

// errLie marks a body literal larger than the size the listing gave
// (RFC822.SIZE): the message is refused, never buffered.
var errLie = errors.New("the server sent more than it listed")

// lieError is the error of message key whose literal announced size bytes
// while the listing said listed.
func (m *Mailbox) lieError(key uint64, size, listed int64) error {
	return fmt.Errorf("message UID %d of %s on %s: %w: a %d-byte body for a message listed as %d bytes",
		key, m.name, m.st.srv.Address(), errLie, size, listed)
}

// listed is the RFC822.SIZE Messages gave for key; false when Messages did
// not list it (or was not called).
func (m *Mailbox) listed(key uint64) (int64, bool) {
	n, ok := m.sizes[key]
	return n, ok
}

// refuse disposes of a literal that will not be kept, because of reason:
// a small one is read and thrown away (the command goes on), a larger one
// costs the connection, which is closed at once (reading on would cost
// time without end). The error says why the connection is gone; nil
// when it goes on.
func (m *Mailbox) refuse(lit goimap.LiteralReader, reason error) error {
	if lit == nil {
		return nil
	}
	if n := lit.Size(); n >= 0 && n <= drainMax {
		if _, err := io.Copy(io.Discard, lit); err != nil {
			m.broken = true
			return err
		}
		return nil
	}
	m.abandon(reason)
	io.Copy(io.Discard, lit) // fails at once: what was buffered, then the closed connection
	return m.dropped
}

// abandon drops the connection because of reason: closing the socket
// makes every read fail, so go-imap's reader and the pending command end
// without reading what the server still sends. The mailbox is broken
// from now on; its operations fail with reason.
func (m *Mailbox) abandon(reason error) {
	m.broken = true
	if m.dropped == nil {
		m.dropped = fmt.Errorf("connection to %s dropped: %w", m.st.srv.Address(), reason)
	}
	if m.sess.conn != nil {
		m.sess.conn.Close()
		return
	}
	go m.sess.c.Close() // waits for go-imap's reader, which may wait for us
}

// lost is the error of an operation on the mailbox's connection once it
// is gone: why it was dropped, when it was.
func (m *Mailbox) lost() error {
	if m.dropped != nil {
		return m.dropped
	}
	return m.sess.lost()
}
