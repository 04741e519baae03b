package testservers_test

import goimap "github.com/emersion/go-imap/v2"

// setACL sets the rights of who (an identifier: the account's name, or
// Courier's "owner") on folder to rights (SETACL, RFC 4314).
func (w *world) setACL(folder, who, rights string) {
	w.t.Helper()
	c := w.imap()
	defer c.Logout()
	if err := c.SetACL(folder, goimap.RightsIdentifier(who), goimap.RightModificationReplace, goimap.RightSet(rights)).Wait(); err != nil {
		w.t.Fatalf("SETACL %s %s %s: %v", folder, who, rights, err)
	}
}
