package bench

import (
	"fmt"
	"os"
	"path/filepath"
)

// FillMaildir makes dir a Maildir (dir with cur/, new/ and tmp/, created
// as needed) holding mails, as a mail reader's Maildir looks after the
// messages were read: every message in cur/ with its flags in the info
// part, "TIME.M<usec>P<pid>Q<n>.mailsync-bench:2,FLAGS", where TIME.usec is
// the delivery time, which is also the file's modification time. The names
// carry no size fields (",S=", ",W="), as those of most delivery agents
// do. Everything it creates is owned by account. It writes directly into
// cur/ (it is the only writer) and syncs nothing; call syscall.Sync before
// timing anything that reads the result from disk.
func FillMaildir(dir string, mails []Mail, account Account) error {
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return fmt.Errorf("fill maildir: %w", err)
		}
	}
	for _, m := range mails {
		name := fmt.Sprintf("%d.M%06dP%dQ%d.mailsync-bench:2,%s",
			m.Time.Unix(), m.Time.Nanosecond()/1000, os.Getpid(), maildirSeq.Add(1), m.Flags)
		path := filepath.Join(dir, "cur", name)
		if err := os.WriteFile(path, m.Raw, 0o600); err != nil {
			return fmt.Errorf("fill maildir %s: %w", dir, err)
		}
		if err := os.Chtimes(path, m.Time, m.Time); err != nil {
			return fmt.Errorf("fill maildir %s: %w", dir, err)
		}
	}
	if err := Chown(dir, account); err != nil {
		return fmt.Errorf("fill maildir %s: %w", dir, err)
	}
	return nil
}
