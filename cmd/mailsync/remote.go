package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/mailsync/mailsync/internal/channel"
	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/store"
)

// remoteUI is how IMAP logins talk to the user (doc/design/behaviour.md#passwords,
// doc/design/decisions.md#d12-user-names): notes and
// the user-name prompt on stdout (in order with the other output), the
// user name from stdin, the password from the terminal without echo, the
// -di trace on stderr.
func remoteUI(rep *channel.Reporter, stdin io.Reader, stderr io.Writer, trace bool) store.Remote {
	in := bufio.NewReader(stdin)
	r := store.Remote{
		Notes: func(n store.Note) { event.Printer{}.Print(writeNow{rep}, event.Note{Note: n}) },
		AskUser: func() (string, error) {
			rep.Flush()
			return in.ReadString('\n')
		},
		AskPassword: askPassword(rep),
	}
	if trace {
		r.Trace = stderr
	}
	return r
}

// writeNow is the printer's output for login notes: stdout through the
// reporter, flushed at once, so that prompts and login lines appear
// before the program waits.
type writeNow struct{ rep *channel.Reporter }

func (w writeNow) Out(s string)                     { w.rep.WriteNow([]byte(s)) }
func (w writeNow) Errf(format string, args ...any)  { w.rep.Errf(format, args...) }
func (w writeNow) Notef(format string, args ...any) { w.rep.Notef(format, args...) }

// askPassword reads a password from the controlling terminal with echo off.
// Without a terminal (cron) it fails at once
// (doc/design/decisions.md#d12-user-names).
func askPassword(rep *channel.Reporter) func(prompt string) (string, error) {
	return func(prompt string) (string, error) {
		rep.Flush()
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
