package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/mailsync/mailsync/internal/channel"
	"github.com/mailsync/mailsync/internal/store"
)

// remoteUI is how IMAP logins talk to the user (spec 8, D12): notes and
// the user-name prompt on stdout (in order with the other output), the
// user name from stdin, the password from the terminal without echo, the
// -di trace on stderr.
func remoteUI(rep *channel.Reporter, stdin io.Reader, stderr io.Writer, trace bool) store.Remote {
	out := rep.Stdout()
	in := bufio.NewReader(stdin)
	r := store.Remote{
		Out: flushingWriter{out},
		AskUser: func() (string, error) {
			out.Flush()
			return in.ReadString('\n')
		},
		AskPassword: askPassword(out),
	}
	if trace {
		r.Trace = stderr
	}
	return r
}

// flushingWriter writes through the buffered stdout and flushes, so that
// prompts and login notes appear before the program waits.
type flushingWriter struct{ w *bufio.Writer }

func (f flushingWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil {
		err = f.w.Flush()
	}
	return n, err
}

// askPassword reads a password from the controlling terminal with echo
// off. Without a terminal (cron) it fails at once (D12).
func askPassword(out *bufio.Writer) func(prompt string) (string, error) {
	return func(prompt string) (string, error) {
		out.Flush()
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		if err != nil {
			return "", store.ErrNoTerminal
		}
		defer tty.Close()
		if !term.IsTerminal(int(tty.Fd())) {
			return "", store.ErrNoTerminal
		}
		fmt.Fprint(tty, prompt)
		pass, err := term.ReadPassword(int(tty.Fd()))
		fmt.Fprint(tty, "\n")
		if err != nil {
			return "", fmt.Errorf("read password from the terminal: %w", err)
		}
		return string(pass), nil
	}
}
