package testservers_test

import goimap "github.com/emersion/go-imap/v2"

// setACL sets the account's own rights on folder to rights (SETACL,
// RFC 4314).
func (w *world) setACL(folder, rights string) {
	w.t.Helper()
	c := w.imap()
	defer c.Logout()
	if err := c.SetACL(folder, goimap.RightsIdentifier(w.user), goimap.RightModificationReplace, goimap.RightSet(rights)).Wait(); err != nil {
		w.t.Fatalf("SETACL %s %s %s: %v", folder, w.user, rights, err)
	}
}
