package dovecot

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ImportMaildir makes a copy of src, a Maildir++ tree (the root's cur,
// new and tmp and its .folder directories, as a delivery agent or another
// program wrote it), the account's mail: Home/Maildir is replaced by it,
// every directory and file owned by the mail owner, file times kept
// (Dovecot takes a message's INTERNALDATE from its file's mtime). Dovecot
// then opens what the other program wrote as its own. No session of the
// account may be open. Only directories and regular files are copied.
func (a *Account) ImportMaildir(src string) error {
	dst := filepath.Join(a.Home, "Maildir")
	if err := os.RemoveAll(dst); err != nil {
		return fmt.Errorf("import Maildir %s: %w", src, err)
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return mkdirOwned(to, 0o700, a.s.owner)
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			return a.s.writeMailFile(to, data, info.ModTime())
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import Maildir %s into %s: %w", src, dst, err)
	}
	return nil
}

// ImportMbox makes a copy of the mbox file src the account's folder (a
// top-level name), Home/mail/FOLDER, owned by the mail owner, on a
// server started with Options.Mbox. No session of the account may have
// the folder open.
func (a *Account) ImportMbox(src, folder string) error {
	dir := filepath.Join(a.Home, "mail")
	if err := mkdirOwned(dir, 0o700, a.s.owner); err != nil {
		return fmt.Errorf("import mbox %s: %w", src, err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("import mbox %s: %w", src, err)
	}
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("import mbox %s: %w", src, err)
	}
	if err := a.s.writeMailFile(a.MboxPath(folder), data, info.ModTime()); err != nil {
		return fmt.Errorf("import mbox %s: %w", src, err)
	}
	return nil
}

// MboxPath is the mbox file of folder (a top-level name) on a server
// started with Options.Mbox.
func (a *Account) MboxPath(folder string) string {
	if folder == "INBOX" {
		folder = "inbox"
	}
	return filepath.Join(a.Home, "mail", folder)
}
