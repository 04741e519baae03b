// Command mailsync synchronises two mail stores, lists a store, or shows
// what changed in a store since the last sync: a drop-in clone of
// mailsync 5.2.7. This package only reads the command line and the
// environment, chooses the mode and turns failures into exit statuses;
// the work happens in internal/channel.
package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/config"
)

func main() { os.Exit(mailsyncMain()) }

// mailsyncMain runs mailsync with the process's arguments and streams and
// returns the exit status.
func mailsyncMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer startProfiles()()
	paceGC()
	return run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// run is mailsync without process globals (for tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opt, err := parseArgs(args, stdout)
	if err != nil {
		io.WriteString(stdout, usageText)
		var ue *usageError
		if errors.As(err, &ue) {
			// 5.2.7 prints this on stdout, after the usage text.
			event.Printer{}.Print(event.Streams{Stdout: stdout, Stderr: stderr}, event.BadArguments{Err: ue})
		}
		return 1
	}
	if opt.help {
		io.WriteString(stdout, helpText())
		return 0
	}
	if opt.version {
		io.WriteString(stdout, versionText())
		return 0
	}
	env, err := loadEnv(opt.configFile == "")
	if errors.Is(err, errNoHome) {
		io.WriteString(stderr, noHomeText)
		return 1
	}
	if err != nil {
		event.Printer{}.Print(event.Streams{Stdout: stdout, Stderr: stderr}, event.Failed{Err: err})
		return 1
	}
	path := opt.configFile
	if path == "" {
		path = env.Home + "/.mailsync"
	}
	// The -dc trace is held back until the permission warning, which
	// needs the parsed file, has been printed.
	var trace bytes.Buffer
	cfg, err := config.Load(path, &trace)
	if err == nil {
		warnReadablePasswords(stderr, path, cfg)
	}
	if opt.debugConfig {
		stdout.Write(trace.Bytes())
	}
	if err != nil {
		var pe *config.ParseError
		var oe *config.OpenError
		var ev event.Event = event.Failed{Err: err}
		switch {
		case errors.As(err, &pe):
			ev = event.ConfigSyntax(*pe)
		case errors.As(err, &oe):
			ev = event.ConfigUnreadable{Path: oe.Path}
		}
		event.Printer{}.Print(event.Streams{Stdout: stdout, Stderr: stderr}, ev)
		return 1
	}
	return dispatch(ctx, cfg, opt, env, stdout, stderr)
}

// warnReadablePasswords prints a warning on stderr when the configuration file
// holds a password (of a store or a channel) and other users may read it. 5.2.7
// does not check (doc/design/behaviour.md#passwords); the clone warns and
// carries on.
func warnReadablePasswords(stderr io.Writer, path string, cfg *config.Config) {
	has := false
	for _, s := range cfg.Stores {
		has = has || s.Passwd != ""
	}
	for _, c := range cfg.Channels {
		has = has || c.Passwd != ""
	}
	if !has {
		return
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o044 == 0 {
		return
	}
	event.Printer{}.Print(event.Streams{Stderr: stderr}, event.ReadablePasswords{Path: path})
}
