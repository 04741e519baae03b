package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// PipelinedFetch is the floor for an initial sync over a slow link: one
// connection that logs in, waits for the answer, and then sends, in one
// write, EXAMINE and UID FETCH 1:* BODY.PEEK[] for every folder and a
// LOGOUT, reading the bodies as they stream back and throwing them away.
// It waits for the server three times (the greeting, LOGIN, the batch),
// so over a link it costs the connection's handshake, three round trips
// and the transfer; RawFetch, which waits for every command, costs two
// round trips per folder more.
//
// It speaks IMAP by hand, minimally: it needs no more than tagged
// answers, untagged lines and literals, and the point is to send the
// whole batch before reading anything, which a command-at-a-time client
// library does not promise. Folder names are sent as quoted strings and
// must not contain '"', '\\' or line breaks.
func PipelinedFetch(ctx context.Context, a IMAPAccount, folders []string) (FetchStats, error) {
	var st FetchStats
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", a.Addr)
	if err != nil {
		return st, fmt.Errorf("connect to %s: %w", a.Addr, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	r := &imapReader{br: bufio.NewReaderSize(conn, 256<<10)}
	if _, err := r.line(); err != nil { // the greeting
		return st, fmt.Errorf("greeting of %s: %w", a.Addr, err)
	}
	if _, err := fmt.Fprintf(conn, "L LOGIN %s %s\r\n", quote(a.User), quote(a.Password)); err != nil {
		return st, fmt.Errorf("log in to %s: %w", a.Addr, err)
	}
	if err := r.until("L", &st); err != nil {
		return st, fmt.Errorf("log in to %s as %s: %w", a.Addr, a.User, err)
	}
	var batch bytes.Buffer
	for i, f := range folders {
		if strings.ContainsAny(f, "\"\\\r\n") {
			return st, fmt.Errorf("pipelined fetch: folder name %q needs a literal", f)
		}
		fmt.Fprintf(&batch, "E%d EXAMINE %s\r\nF%d UID FETCH 1:* BODY.PEEK[]\r\n", i, quote(f), i)
	}
	batch.WriteString("Z LOGOUT\r\n")
	if _, err := conn.Write(batch.Bytes()); err != nil {
		return st, fmt.Errorf("pipelined fetch from %s: %w", a.Addr, err)
	}
	for i, f := range folders {
		if err := r.until("E"+strconv.Itoa(i), &st); err != nil {
			return st, fmt.Errorf("examine %s: %w", f, err)
		}
		if err := r.until("F"+strconv.Itoa(i), &st); err != nil {
			return st, fmt.Errorf("fetch %s: %w", f, err)
		}
	}
	if err := r.until("Z", &st); err != nil {
		return st, fmt.Errorf("log out of %s: %w", a.Addr, err)
	}
	return st, ctx.Err()
}

func quote(s string) string { return `"` + s + `"` }

// imapReader reads IMAP response lines with their literals.
type imapReader struct{ br *bufio.Reader }

// line reads one response line without its CRLF. Literals inside it are
// not expected (until handles them).
func (r *imapReader) line() (string, error) {
	s, err := r.br.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// until reads responses up to the tagged answer of tag and fails unless
// it is OK. A literal that follows "BODY[] " in a FETCH response is
// counted as a message in st; other literals are skipped.
func (r *imapReader) until(tag string, st *FetchStats) error {
	for {
		s, err := r.line()
		if err != nil {
			return err
		}
		// A line may end in literals: {n}, n bytes, then the line goes on.
		for strings.HasSuffix(s, "}") {
			open := strings.LastIndexByte(s, '{')
			if open < 0 {
				return fmt.Errorf("bad literal in %q", s)
			}
			n, err := strconv.ParseInt(s[open+1:len(s)-1], 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("bad literal in %q", s)
			}
			got, err := io.CopyN(io.Discard, r.br, n)
			if err != nil {
				return err
			}
			if strings.HasSuffix(s[:open], "BODY[] ") {
				st.Messages++
				st.Bytes += got
			}
			rest, err := r.line()
			if err != nil {
				return err
			}
			s = rest
		}
		if t, answer, ok := strings.Cut(s, " "); ok && t == tag {
			if !strings.HasPrefix(answer, "OK") {
				return fmt.Errorf("server said %q", s)
			}
			return nil
		}
	}
}
