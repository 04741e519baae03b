// Package open is the one place that knows every backend: it turns a
// store's configuration (its c-client server prefix) into a store.Store,
// and an msinfo name into an msinfo.File. Nothing else imports the
// backends.
package open

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// ErrRemoteUnsupported is returned for server names until the IMAP
// backend exists.
var ErrRemoteUnsupported = errors.New("IMAP stores are not supported by this build yet")

// Store opens the store a configuration describes: the local file system
// when its server is empty, else the IMAP server it names.
func Store(ctx context.Context, cfg *config.Store, env store.Env) (store.Store, error) {
	if cfg.Server == "" {
		return local.New(env), nil
	}
	return nil, fmt.Errorf("contact server %s: %w", cfg.Server, ErrRemoteUnsupported)
}

// Msinfo opens the msinfo mailbox with the given c-client name.
func Msinfo(ctx context.Context, name, passwd string, opt msinfo.Options) (msinfo.File, error) {
	if strings.HasPrefix(name, "{") {
		return nil, fmt.Errorf("open mailbox %s: %w", name, ErrRemoteUnsupported)
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
