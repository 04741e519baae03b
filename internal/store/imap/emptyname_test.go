package imap_test

import (
	"errors"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// TestCreateEmptyNameAsksNothing: the empty name (a local store's prefix
// directory on a server without prefix) is the server's root: Create
// says it exists and Open that it is no mailbox, without a command.
func TestCreateEmptyNameAsksNothing(t *testing.T) {
	s := imapscript.Start(t, "* OK ready", script(nil, func(c *imapscript.Conn, cmd imapscript.Command) {
		c.Writef("%s NO [CANNOT] Invalid mailbox name: Name is empty\r\n", cmd.Tag)
	}))
	st := dialScript(t, s)
	if err := st.Create(t.Context(), ""); !errors.Is(err, store.ErrExists) {
		t.Errorf("Create(\"\") = %v, want ErrExists", err)
	}
	if _, err := st.Open(t.Context(), "", store.ReadOnly); !errors.Is(err, store.ErrNoMailbox) {
		t.Errorf("Open(\"\") = %v, want ErrNoMailbox", err)
	}
	if n := s.Count("CREATE") + s.Count("LIST") + s.Count("EXAMINE"); n != 0 {
		t.Errorf("the server got %d CREATE/LIST/EXAMINE commands, want none", n)
	}
}
