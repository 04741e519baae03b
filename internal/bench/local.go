package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// This file changes and reads the local side of a benchmark the way a mail
// reader would: an mbox file (ours and 5.2.7) or a Maildir (mbsync).

// EditMbox rewrites the mbox file at path without the messages whose
// Message-ID is in drop and with add appended, as a mail reader that
// expunges and then receives mail does. The file keeps its inode, owner and
// mode; c-client's pseudo message (if any) stays first. A file with nothing
// to drop or add is not written. It returns how many messages it removed.
func EditMbox(path string, drop map[string]bool, add []Mail) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("edit mbox: %w", err)
	}
	parts, err := splitMbox(data)
	if err != nil {
		return 0, fmt.Errorf("edit mbox %s: %w", path, err)
	}
	removed := 0
	for _, p := range parts {
		if drop[p.id] {
			removed++
		}
	}
	if removed == 0 && len(add) == 0 {
		// A mail reader leaves a file it changes nothing in alone (as
		// the Maildir edits of the benchmark leave a folder alone).
		return 0, nil
	}
	var out bytes.Buffer
	out.Grow(len(data))
	for _, p := range parts {
		if !drop[p.id] {
			out.Write(data[p.start:p.end])
		}
	}
	// An mbox ends with the empty line after its last message; make sure
	// the first added From_ line follows one.
	if out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n\n")) {
		out.WriteByte('\n')
	}
	for _, m := range add {
		out.Write(m.MboxEntry())
	}
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		return removed, fmt.Errorf("edit mbox: %w", err)
	}
	return removed, nil
}

// mboxPart is one message of an mbox file: the bytes [start, end) from its
// From_ line up to the next From_ line, and its Message-ID.
type mboxPart struct {
	start, end int
	id         string
}

// splitMbox cuts an mbox into its messages by the rules of ScanMbox.
func splitMbox(data []byte) ([]mboxPart, error) {
	var parts []mboxPart
	prevEmpty := true
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off + 1
		}
		line := bytes.TrimRight(data[off:end], "\r\n")
		if prevEmpty && bytes.HasPrefix(line, []byte("From ")) && fromLine.Match(line) {
			if n := len(parts); n > 0 {
				parts[n-1].end = off
			}
			id, err := messageID(bufio.NewReader(bytes.NewReader(data[end:])))
			if err != nil {
				return nil, err
			}
			parts = append(parts, mboxPart{start: off, end: len(data), id: id})
		} else if len(parts) == 0 {
			return nil, fmt.Errorf("not an mbox: first line %q", line)
		}
		prevEmpty = len(line) == 0
		off = end
	}
	return parts, nil
}

// maildirSeq makes names of files AddToMaildir writes unique.
var maildirSeq atomic.Uint64

// AddToMaildir delivers mails into the new/ directory of the Maildir dir
// (which must exist), as a local delivery agent would, owned by account.
func AddToMaildir(dir string, mails []Mail, account Account) error {
	for _, m := range mails {
		name := fmt.Sprintf("%d.M%dP%d.mailsync-bench", m.Time.Unix(), maildirSeq.Add(1), os.Getpid())
		tmp := filepath.Join(dir, "tmp", name)
		if err := os.WriteFile(tmp, m.Raw, 0o600); err != nil {
			return fmt.Errorf("deliver to %s: %w", dir, err)
		}
		if !account.IsCurrent() {
			if err := os.Chown(tmp, int(account.UID), int(account.GID)); err != nil {
				return fmt.Errorf("deliver to %s: %w", dir, err)
			}
		}
		if err := os.Chtimes(tmp, m.Time, m.Time); err != nil {
			return fmt.Errorf("deliver to %s: %w", dir, err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "new", name)); err != nil {
			return fmt.Errorf("deliver to %s: %w", dir, err)
		}
	}
	return nil
}

// RemoveFromMaildir deletes the messages of the Maildir dir (cur/ and new/)
// whose Message-ID is in drop and returns how many it removed.
func RemoveFromMaildir(dir string, drop map[string]bool) (int, error) {
	files, err := maildirFiles(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range files {
		if !drop[f.id] {
			continue
		}
		if err := os.Remove(f.path); err != nil {
			return n, fmt.Errorf("remove from %s: %w", dir, err)
		}
		n++
	}
	return n, nil
}

// Maildir is what ScanMaildir found in a Maildir.
type Maildir struct {
	// IDs holds the Message-ID of every message in cur/ and new/ ("" for
	// one without), in no particular order.
	IDs []string
	// Trashed counts messages whose file name carries the T flag
	// (deleted, not yet expunged); they are in IDs too.
	Trashed int
}

// ScanMaildir reads the Message-IDs of the messages in the Maildir dir.
func ScanMaildir(dir string) (Maildir, error) {
	files, err := maildirFiles(dir)
	if err != nil {
		return Maildir{}, err
	}
	var m Maildir
	for _, f := range files {
		m.IDs = append(m.IDs, f.id)
		if _, info, ok := strings.Cut(filepath.Base(f.path), ":2,"); ok && strings.Contains(info, "T") {
			m.Trashed++
		}
	}
	return m, nil
}

type maildirFile struct{ path, id string }

// maildirFiles lists the messages in cur/ and new/ of dir with their ids.
func maildirFiles(dir string) ([]maildirFile, error) {
	var out []maildirFile
	for _, sub := range []string{"cur", "new"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			return nil, fmt.Errorf("read maildir: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			path := filepath.Join(dir, sub, e.Name())
			id, err := fileMessageID(path)
			if err != nil {
				return nil, err
			}
			out = append(out, maildirFile{path, id})
		}
	}
	return out, nil
}

func fileMessageID(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read message: %w", err)
	}
	defer f.Close()
	id, err := messageID(bufio.NewReaderSize(f, 16<<10))
	if err != nil {
		return "", fmt.Errorf("read message %s: %w", path, err)
	}
	return id, nil
}
