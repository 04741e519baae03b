// Command mailsync synchronises two mail stores, lists a store, or shows
// what changed in a store since the last sync: a drop-in clone of
// mailsync 5.2.7. This package only reads the command line and the
// environment, chooses the mode and turns failures into exit statuses;
// the work happens in internal/channel.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mailsync/mailsync/internal/config"
)

func main() { os.Exit(mailsyncMain()) }

// mailsyncMain runs mailsync with the process's arguments and streams and
// returns the exit status.
func mailsyncMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// run is mailsync without process globals (for tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opt, err := parseArgs(args, stdout)
	if err != nil {
		io.WriteString(stdout, usageText)
		if errors.Is(err, errBadIDType) {
			// 5.2.7 prints this on stdout, after the usage text.
			fmt.Fprintf(stdout, "Error: %v\n", err)
		}
		return 1
	}
	env, err := loadEnv(opt.configFile == "")
	if errors.Is(err, errNoHome) {
		io.WriteString(stderr, noHomeText)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return 1
	}
	path := opt.configFile
	if path == "" {
		path = env.Home + "/.mailsync"
	}
	var trace io.Writer
	if opt.debugConfig {
		trace = stdout
	}
	cfg, err := config.Load(path, trace)
	if err != nil {
		var pe *config.ParseError
		var oe *config.OpenError
		switch {
		case errors.As(err, &pe):
			io.WriteString(stderr, pe.Report())
		case errors.As(err, &oe):
			io.WriteString(stderr, oe.Report())
		default:
			fmt.Fprintf(stderr, "Error: %v\n", err)
		}
		return 1
	}
	return dispatch(ctx, cfg, opt, env, stdout, stderr)
}
