package imap

import (
	"fmt"
	"io"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
)

// listedMsg is one message of a listing's answer: what the listing asked
// for, read with bounded memory (go-imap's Collect would read any literal
// whole).
type listedMsg struct {
	seq    uint32
	uid    uint64
	flags  []goimap.Flag
	date   time.Time
	size   int64
	header []byte // the header fields; nil when not sent (or NIL)
	// gotFlags, sized: the answer had FLAGS, RFC822.SIZE.
	gotFlags, sized bool
	// skip says why a message is left out (its header fields exceed
	// headerMax); nil for one kept.
	skip *store.LeftOut
}

// message is l as a store.Message.
func (l *listedMsg) message() store.Message {
	return store.Message{Key: l.uid, Size: l.size, Flags: fromIMAP(l.flags), Keywords: keywordsOf(l.flags), InternalDate: l.date, Header: l.header}
}

// inBox returns the filter of a listing of 1:*: it accepts the answers
// for sequence numbers the folder holds, 1 to its message count. The
// count is the largest seen from before the command was sent until the
// answer is read (EXISTS raises it, EXPUNGE lowers it, and go-imap may
// have read ahead of the answer being looked at): a server refers to a
// message only after announcing it, so what lies beyond is a ghost.
func (m *Mailbox) inBox() func(seq uint32, uid uint64) bool {
	top := m.numMessages()
	return func(seq uint32, _ uint64) bool {
		top = max(top, m.numMessages())
		return seq >= 1 && seq <= top
	}
}

// numMessages is the folder's message count as go-imap tracks it.
func (m *Mailbox) numMessages() uint32 {
	if m.lent != nil {
		// Its connection goes on to other folders (detach.go): the
		// count go-imap tracks may be theirs.
		return m.count
	}
	if mb := m.sess.c.Mailbox(); mb != nil {
		return mb.NumMessages
	}
	return m.count
}

// eachListed calls fn with each message of a listing command's answer
// that has a UID and that asked accepts (the others are unsolicited: flag
// changes by another client, or answers nobody asked for, which a -di
// trace shows), and returns the command's outcome. A header-fields literal
// larger than headerMax is not read: its message comes with skip set. Any
// other literal is refused (literal.go).
func (m *Mailbox) eachListed(cmd *imapclient.FetchCommand, asked func(seq uint32, uid uint64) bool, fn func(*listedMsg)) error {
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		l, err := m.collect(msg)
		if err != nil {
			cmd.Close()
			return err
		}
		if l.uid != 0 && asked(l.seq, l.uid) {
			fn(l)
		}
	}
	return cmd.Close()
}

// collect reads one message's items. The error is that of a broken
// connection.
func (m *Mailbox) collect(msg *imapclient.FetchMessageData) (*listedMsg, error) {
	l := &listedMsg{seq: msg.SeqNum}
	gotHeader := false
	for item := msg.Next(); item != nil; item = msg.Next() {
		switch it := item.(type) {
		case imapclient.FetchItemDataUID:
			l.uid = uint64(it.UID)
		case imapclient.FetchItemDataFlags:
			l.flags, l.gotFlags = it.Flags, true
		case imapclient.FetchItemDataInternalDate:
			l.date = it.Time
		case imapclient.FetchItemDataRFC822Size:
			l.size, l.sized = it.Size, true
		case imapclient.FetchItemDataBodySection:
			if it.Literal == nil {
				continue
			}
			n := it.Literal.Size()
			switch {
			case gotHeader || !it.MatchCommand(headerSection):
				if err := m.refuse(it.Literal, fmt.Errorf("unasked %d-byte literal for message UID %d of %s", n, l.uid, m.name)); err != nil {
					return nil, err
				}
			case n < 0 || n > headerMax:
				gotHeader = true
				l.skip = &store.LeftOut{UID: l.uid, Mailbox: m.name, Server: m.st.srv.Address(), HeaderBytes: n, Limit: headerMax}
				if err := m.refuse(it.Literal, fmt.Errorf("message UID %d of %s: %d bytes of header fields", l.uid, m.name, n)); err != nil {
					return nil, err
				}
			default:
				gotHeader = true
				l.header = make([]byte, n)
				if _, err := io.ReadFull(it.Literal, l.header); err != nil {
					m.broken = true
					return nil, err
				}
			}
		}
	}
	return l, nil
}
