package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	goimap "github.com/emersion/go-imap/v2"
)

// The flag-change benchmark's readers and writers of flags ("flags sync",
// doc/design/flags.md): on the server, in mbox files and in Maildirs, as
// a mail reader would change them. Flags are compared as sorted Maildir
// letters over the synchronised flags: D (\Draft), F (\Flagged), R
// (\Answered), S (\Seen).

// flagLetters are the synchronised flags as Maildir letters, by IMAP flag.
var flagLetters = map[goimap.Flag]byte{
	goimap.FlagDraft: 'D', goimap.FlagFlagged: 'F', goimap.FlagAnswered: 'R', goimap.FlagSeen: 'S',
}

// sortedLetters returns the letters of set that are synchronised flags,
// sorted and without repeats.
func sortedLetters(set []byte) string {
	var out []byte
	for _, c := range set {
		if strings.IndexByte("DFRS", c) >= 0 && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return string(out)
}

// ServerFlags returns, for each folder, the synchronised flags of each
// message by Message-ID.
func ServerFlags(ctx context.Context, a IMAPAccount, folders []string) ([]map[string]string, error) {
	c, done, err := login(ctx, a)
	if err != nil {
		return nil, err
	}
	defer done()
	out := make([]map[string]string, len(folders))
	for i, folder := range folders {
		msgs, err := listIDs(c, folder, true)
		if err != nil {
			return nil, err
		}
		out[i] = make(map[string]string, len(msgs))
		for _, m := range msgs {
			out[i][m.id] = m.flags
		}
	}
	return out, ctx.Err()
}

// FlagOnServer adds flag to (on) or removes it from the messages of
// folder whose Message-ID is in ids (one UID STORE) and returns how many
// it changed.
func FlagOnServer(ctx context.Context, a IMAPAccount, folder string, ids map[string]bool, flag goimap.Flag, on bool) (int, error) {
	c, done, err := login(ctx, a)
	if err != nil {
		return 0, err
	}
	defer done()
	set, n, err := uidsOf(c, folder, ids)
	if err != nil || n == 0 {
		return 0, err
	}
	op := goimap.StoreFlagsAdd
	if !on {
		op = goimap.StoreFlagsDel
	}
	if err := c.Store(set, &goimap.StoreFlags{Op: op, Silent: true, Flags: []goimap.Flag{flag}}, nil).Close(); err != nil {
		return 0, fmt.Errorf("flag messages in %s: %w", folder, err)
	}
	return n, nil
}

// MboxFlags returns the synchronised flags of each message of the mbox
// file path by Message-ID, read from its Status: (R) and X-Status: (A,
// F, T) header fields as c-client and mutt write them.
func MboxFlags(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	parts, err := splitMbox(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]string, len(parts))
	for _, p := range parts {
		var letters []byte
		for _, line := range headerLines(data[p.start:p.end]) {
			name, value, _ := bytes.Cut(line, []byte(":"))
			value = bytes.TrimSpace(value)
			switch {
			case bytes.EqualFold(name, []byte("Status")) && bytes.IndexByte(value, 'R') >= 0:
				letters = append(letters, 'S')
			case bytes.EqualFold(name, []byte("X-Status")):
				for _, c := range value {
					switch c {
					case 'A':
						letters = append(letters, 'R')
					case 'F':
						letters = append(letters, 'F')
					case 'T':
						letters = append(letters, 'D')
					}
				}
			}
		}
		out[p.id] = sortedLetters(letters)
	}
	return out, nil
}

// headerLines returns the header lines of one mbox message (From_ line
// first, then the fields, unfolded lines as they are), without line ends.
func headerLines(msg []byte) [][]byte {
	var out [][]byte
	for first := true; len(msg) > 0; first = false {
		line, rest, _ := bytes.Cut(msg, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		if !first {
			out = append(out, line)
		}
		msg = rest
	}
	return out
}

// MarkInMbox gives the messages of the mbox file path whose Message-ID
// is in ids the Status "RO" (read and old) or, with read false, "O" (old,
// unread), as mutt writes them, and returns how many it changed.
func MarkInMbox(path string, ids map[string]bool, read bool) (int, error) {
	status := "Status: O\n"
	if read {
		status = "Status: RO\n"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	parts, err := splitMbox(data)
	if err != nil {
		return 0, fmt.Errorf("mark read in %s: %w", path, err)
	}
	var out bytes.Buffer
	out.Grow(len(data) + 16*len(ids))
	n := 0
	for _, p := range parts {
		msg := data[p.start:p.end]
		if !ids[p.id] {
			out.Write(msg)
			continue
		}
		n++
		end := bytes.Index(msg, []byte("\n\n"))
		if end < 0 {
			return n, fmt.Errorf("mark read in %s: message %s has no end of header", path, p.id)
		}
		head := msg[:end+1]
		var kept bytes.Buffer
		for i, line := range bytes.SplitAfter(head, []byte("\n")) {
			if i > 0 && bytes.HasPrefix(bytes.ToLower(line), []byte("status:")) {
				continue
			}
			kept.Write(line)
		}
		out.Write(kept.Bytes())
		out.WriteString(status)
		out.Write(msg[end+1:])
	}
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		return n, fmt.Errorf("mark read: %w", err)
	}
	return n, nil
}

// MaildirFlags returns the synchronised flags of each message of the
// Maildir dir by Message-ID: the letters of the info part of a name in
// cur/ (a message in new/ has none).
func MaildirFlags(dir string) (map[string]string, error) {
	files, err := maildirFiles(dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(files))
	for _, f := range files {
		_, info, _ := strings.Cut(filepath.Base(f.path), ":2,")
		out[f.id] = sortedLetters([]byte(info))
	}
	return out, nil
}

// MarkInMaildir adds S to (read) or removes it from the messages of the
// Maildir dir whose Message-ID is in ids, moving a message in new/ to
// cur/, as a mail reader does, and returns how many it changed.
func MarkInMaildir(dir string, ids map[string]bool, read bool) (int, error) {
	files, err := maildirFiles(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range files {
		if !ids[f.id] {
			continue
		}
		base, info, _ := strings.Cut(filepath.Base(f.path), ":2,")
		if strings.Contains(info, "S") == read && strings.Contains(f.path, "/cur/") {
			n++
			continue
		}
		letters := []byte(strings.ReplaceAll(info, "S", ""))
		if read {
			letters = append(letters, 'S')
		}
		slices.Sort(letters)
		to := filepath.Join(dir, "cur", base+":2,"+string(letters))
		if err := os.Rename(f.path, to); err != nil {
			return n, fmt.Errorf("mark read in %s: %w", dir, err)
		}
		n++
	}
	return n, nil
}
