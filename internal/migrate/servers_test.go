package migrate

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// The private Dovecot servers of this package (shared by its tests):
// server A has the delimiter '/' and the users joe (the chain) and sam
// (the guide's upload, then the old account of its server move); server
// B is the new server of the move, Courier-style: delimiter '.', folders
// at the top level, no "INBOX." prefix.
func serverA(t *testing.T) *dovecot.Server {
	return dovecot.Shared(t, dovecot.Options{Delim: '/', Users: []dovecot.User{
		{Name: "joe", Password: "secret"}, {Name: "sam", Password: "sesame"}}})
}

func serverB(t *testing.T) *dovecot.Server {
	return dovecot.Shared(t, dovecot.Options{Delim: '.', Users: []dovecot.User{{Name: "sam", Password: "open-sesame"}}})
}

// dialUser logs in to s as user (plain connection, for checking).
func dialUser(t *testing.T, s *dovecot.Server, user string) *imap.Store {
	t.Helper()
	a := s.Account(user)
	if a == nil {
		t.Fatalf("server %s has no user %s", s.Addr(), user)
	}
	st, err := imap.Dial(t.Context(), "{"+s.Addr()+"/notls/user="+user+"}", imap.Options{Passwd: a.Password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// emptyAccount deletes every folder but INBOX and every message of INBOX,
// so that a test starts from an empty account also when it runs again
// (-count) on the shared server.
func emptyAccount(ctx context.Context, st store.Store) error {
	list, err := st.List(ctx, "", "*")
	if err != nil {
		return err
	}
	// Children before parents: longer names first.
	sort.Slice(list, func(i, j int) bool { return len(list[i].Name) > len(list[j].Name) })
	for _, e := range list {
		if e.Name == "INBOX" || e.NoSelect {
			continue
		}
		if err := st.Delete(ctx, e.Name); err != nil {
			return fmt.Errorf("empty account: %w", err)
		}
	}
	mb, err := st.Open(ctx, "INBOX", store.ReadWrite)
	if err != nil {
		return err
	}
	defer mb.Close()
	msgs, err := mb.Messages(ctx)
	if err != nil {
		return err
	}
	var keys []uint64
	for _, m := range msgs {
		keys = append(keys, m.Key)
	}
	if err := mb.MarkDeleted(ctx, keys); err != nil {
		return err
	}
	_, err = mb.Expunge(ctx)
	return err
}
