package memory

import (
	"context"
	"encoding/binary"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.Signer = (*Store)(nil)

// Signature implements store.Signer: the box's serial, its next key and
// the key and flags of every message. Appends, expunges and flag changes
// all change it; message bytes never change in a memory store. Every
// signature is settled (the store has no clock).
func (s *Store) Signature(ctx context.Context, name string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[name]
	if !ok || s.closed || ctx.Err() != nil {
		return nil, false
	}
	sig := binary.AppendUvarint(nil, b.serial)
	sig = binary.AppendUvarint(sig, b.nextKey)
	for _, m := range b.msgs {
		sig = binary.AppendUvarint(sig, m.key)
		sig = append(sig, byte(m.flags))
		sig = append(append(sig, m.keywords...), 0)
	}
	return sig, true
}
