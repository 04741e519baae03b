package main

import (
	"context"
	"io"
	"os"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/store"
)

// dispatch looks up the names, chooses the mode by counting channels and
// stores (doc/design/behaviour.md#modes) and runs it.
func dispatch(ctx context.Context, cfg *config.Config, opt *options, env store.Env, stdout, stderr io.Writer) int {
	var channels []*config.Channel
	var stores []*config.Store
	for _, name := range opt.names {
		if ch, ok := cfg.Channels[name]; ok {
			channels = append(channels, ch)
		} else if st, ok := cfg.Stores[name]; ok {
			stores = append(stores, st)
		} else {
			event.Printer{}.Print(event.Streams{Stdout: stdout, Stderr: stderr}, event.UnknownName{Name: name})
			return 1
		}
	}
	r := newRun(ctx, cfg, opt, env, stdout, stderr)
	r.env.Remote = remoteUI(r.rep, os.Stdin, stderr, opt.debugIMAP)
	r.env.Notes = func(n store.Note) { r.say(event.Note{Note: n}) } // in order with stdout
	r.rep.Interactive = isTerminal(stdout)
	r.rep.Verbose = opt.verbose
	if r.progress = newProgress(stderr); r.progress != nil {
		r.rep.Pause = r.progress.Pause
		if r.rep.Interactive {
			r.progress.partial = r.rep.Partial
		}
	}
	defer r.rep.Flush()
	switch {
	case len(channels) == 1 && len(stores) == 0:
		return r.sync(channels[0])
	case len(channels) == 1 && len(stores) == 1:
		return r.diff(channels[0], stores[0])
	case len(channels) == 0 && len(stores) == 1:
		return r.list(stores[0])
	}
	r.say(event.NoMode{Channels: len(channels), Stores: len(stores)})
	return 1
}
