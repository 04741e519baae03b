// Package open is the one place that knows every backend: it turns a
// store's configuration (its c-client server prefix) into a store.Store,
// and an msinfo name into an msinfo.File. Nothing else imports the
// backends.
package open

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/local"
)

// Store opens the store a configuration describes: the local file system
// when its server is empty, else the IMAP server it names (connected and
// logged in; errors are *imap.ContactError with 5.2.7's wording). A
// store's passcmd, authmech and cafile apply to its server only
// (doc/design/accounts.md).
func Store(ctx context.Context, cfg *config.Store, env store.Env) (store.Store, error) {
	if cfg.Server == "" {
		return local.New(env), nil
	}
	roots, err := rootsFor(cfg, env)
	if err != nil {
		return nil, err
	}
	opt := imap.Options{Name: cfg.Server, Passwd: cfg.Passwd, Remote: env.Remote,
		Secret: secretFor(cfg), AuthMech: cfg.AuthMech, RootCAs: roots, ListStatus: env.Signatures}
	if env.CacheDir != "" {
		opt.CacheDir = filepath.Join(env.CacheDir, "imap")
	}
	return imap.Dial(ctx, cfg.Server, opt)
}

// RemoteMsinfo reports whether the msinfo with c-client name name is a
// mailbox on a server (not a local file).
func RemoteMsinfo(name string) bool { return imap.IsRemote(name) }

// LockDir is where the locks of msinfo mailboxes on servers live
// (doc/design/decisions.md#d9-msinfo-safety).
func LockDir(env store.Env) string { return filepath.Join(env.Home, ".mailsync.d") }

// Msinfo opens the msinfo mailbox with the given c-client name; passwd is
// the channel's, used when the msinfo lives on a server.
func Msinfo(ctx context.Context, name, passwd string, opt msinfo.Options) (msinfo.File, error) {
	if RemoteMsinfo(name) {
		return remoteMsinfo(ctx, name, passwd, opt)
	}
	path, err := local.New(opt.Env).Path(name)
	if err != nil {
		return nil, fmt.Errorf("open mailbox %s: %w", name, err)
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(opt.Env.Home, path)
	}
	return msinfo.OpenLocal(path, name, opt)
}

// FlagStatePath is the flag state file of the msinfo with c-client name
// name (doc/design/flags.md, "The flag state file"): beside a local
// msinfo file (MSINFO.flags), under ~/.mailsync.d/flags/ for one on a
// server.
func FlagStatePath(name string, env store.Env) (string, error) {
	if imap.IsRemote(name) {
		return flagstate.RemotePath(LockDir(env), name), nil
	}
	path, err := local.New(env).Path(name)
	if err != nil {
		return "", fmt.Errorf("open mailbox %s: %w", name, err)
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(env.Home, path)
	}
	return flagstate.LocalPath(path), nil
}

// remoteMsinfo keeps the msinfo in a folder on a server
// (doc/design/behaviour.md#writing-the-msinfo;
// doc/design/decisions.md#d6-imap-msinfo and #d9-msinfo-safety).
func remoteMsinfo(ctx context.Context, name, passwd string, opt msinfo.Options) (msinfo.File, error) {
	_, mailbox, err := imap.ParseName(name)
	if err != nil {
		return nil, err
	}
	st, err := imap.Dial(ctx, name, imap.Options{Name: name, Passwd: passwd, Remote: opt.Env.Remote})
	if err != nil {
		return nil, err
	}
	f, err := msinfo.OpenMailbox(ctx, st, mailbox, name, LockDir(opt.Env), opt)
	if err != nil {
		st.Close()
		return nil, err
	}
	return closingFile{File: f, st: st}, nil
}

// closingFile closes the msinfo's store with the file.
type closingFile struct {
	msinfo.File
	st store.Store
}

func (c closingFile) Close() error {
	err := c.File.Close()
	if cerr := c.st.Close(); err == nil {
		err = cerr
	}
	return err
}
