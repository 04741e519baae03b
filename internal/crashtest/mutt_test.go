package crashtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"syscall"
	"time"
)

// mutt simulates a mail client on one mbox file, locking it as mutt does
// (the dotlock FILE.lock created with O_EXCL, plus an fcntl write lock
// waited for with F_SETLKW) while it appends a new message or rewrites
// one message's X-Status: header to mark it flagged.
type mutt struct {
	path      string
	r         *rand.Rand
	flaggable map[string]bool // ids the client may flag (the sync keeps them)
	appended  []string        // ids of the messages it appended
	flagged   map[string]bool // ids it flagged
	ops       int
	waits     time.Duration // time spent waiting for locks
}

// lockDot takes FILE.lock, waiting while another program holds it.
func (m *mutt) lockDot(ctx context.Context) error {
	start := time.Now()
	defer func() { m.waits += time.Since(start) }()
	for {
		f, err := os.OpenFile(m.path+".lock", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, err = f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
			return errors.Join(err, f.Close())
		}
		if !errors.Is(err, os.ErrExist) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// step does one locked operation: an append or a flag change.
func (m *mutt) step(ctx context.Context) error {
	if err := m.lockDot(ctx); err != nil {
		return err
	}
	defer os.Remove(m.path + ".lock")
	f, err := os.OpenFile(m.path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK}
	start := time.Now()
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLKW, &lk); err != nil {
		return fmt.Errorf("fcntl: %w", err)
	}
	m.waits += time.Since(start)
	m.ops++
	if m.r.IntN(2) == 0 {
		return m.appendOne(f)
	}
	return m.flagOne(f)
}

// appendOne appends a new message as a delivery agent or mutt would.
func (m *mutt) appendOne(f *os.File) error {
	id := fmt.Sprintf("<mutt-%d@client.example>", len(m.appended))
	msg := fmt.Sprintf("From client@example.org Tue Jan  2 10:00:00 2024\nFrom: Client <client@example.org>\nSubject: appended %d\nMessage-ID: %s\nStatus: O\n\nwritten by the client\n\n", len(m.appended), id)
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(msg), st.Size()); err != nil {
		return err
	}
	m.appended = append(m.appended, id)
	return f.Sync()
}

// flagOne marks one flaggable message flagged: it rewrites the file from
// that message on and truncates it, as mutt's mbox sync does.
func (m *mutt) flagOne(f *os.File) error {
	data, err := os.ReadFile(m.path)
	if err != nil {
		return err
	}
	msgs := splitMbox(data)
	var cands []int
	for i, mm := range msgs {
		if id := headerValue(mm, "Message-ID"); m.flaggable[id] && !m.flagged[id] {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	i := cands[m.r.IntN(len(cands))]
	off := 0
	for _, mm := range msgs[:i] {
		off += len(mm)
	}
	var rest []byte
	rest = append(rest, setFlagged(msgs[i])...)
	for _, mm := range msgs[i+1:] {
		rest = append(rest, mm...)
	}
	if _, err := f.WriteAt(rest, int64(off)); err != nil {
		return err
	}
	if err := f.Truncate(int64(off + len(rest))); err != nil {
		return err
	}
	m.flagged[headerValue(msgs[i], "Message-ID")] = true
	return f.Sync()
}

// splitMbox splits an mbox file into its messages (From_ line to the
// next From_ line that follows a blank line or starts the file).
func splitMbox(data []byte) [][]byte {
	var out [][]byte
	start := 0
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		next := i + j + 1
		if next < len(data) && bytes.HasPrefix(data[next:], []byte("From ")) && (j == 0) {
			out = append(out, data[start:next])
			start = next
		}
		i = next
	}
	return append(out, data[start:])
}

// header returns the header of an mbox message (From_ line included, up to
// and including the blank line).
func header(msg []byte) []byte {
	if i := bytes.Index(msg, []byte("\n\n")); i >= 0 {
		return msg[:i+2]
	}
	return msg
}

// headerValue is the value of the first header field name (no folding).
func headerValue(msg []byte, name string) string {
	for _, l := range bytes.Split(header(msg), []byte("\n")) {
		if k, v, ok := bytes.Cut(l, []byte(":")); ok && bytes.EqualFold(k, []byte(name)) {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}

// setFlagged adds F to the message's X-Status: (adding the field if
// missing).
func setFlagged(msg []byte) []byte {
	h := header(msg)
	body := msg[len(h):]
	lines := bytes.Split(bytes.TrimSuffix(h, []byte("\n\n")), []byte("\n"))
	done := false
	for i, l := range lines {
		if v, ok := bytes.CutPrefix(l, []byte("X-Status:")); ok {
			lines[i] = append([]byte("X-Status: F"), bytes.ReplaceAll(bytes.TrimSpace(v), []byte("F"), nil)...)
			done = true
		}
	}
	if !done {
		lines = append(lines, []byte("X-Status: F"))
	}
	out := append(bytes.Join(lines, []byte("\n")), "\n\n"...)
	return append(out, body...)
}
