package main

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// errNoHome: HOME is unset and no -f was given; 5.2.7's text follows.
var errNoHome = errors.New("no home directory")

// noHomeText is what 5.2.7 prints for errNoHome.
const noHomeText = "Error: Can't get home directory. Use `-f file'.\n"

// loadEnv reads HOME, USER and the host name. HOME is required unless a config
// file was named (doc/design/behaviour.md#environment). An unset USER falls
// back to the login name (doc/design/decisions.md#d12-user-names).
// MAILSYNC_TEST_HOSTNAME and MAILSYNC_TEST_NOW fix the host name and the clock
// for golden tests.
func loadEnv(needHome bool) (store.Env, error) {
	env := store.Env{Home: os.Getenv("HOME"), User: os.Getenv("USER")}
	if env.Home == "" && needHome {
		return env, errNoHome
	}
	if env.Home == "" {
		// -f was given, as 5.2.7's hint says: local names are resolved
		// in the account's home directory, as c-client does (it takes
		// it from the password database, not from HOME).
		// doc/design/cli.md, "Without HOME".
		env.Home = accountHome()
	}
	if env.User == "" {
		if u, err := user.Current(); err == nil {
			env.User = u.Username
		}
	}
	env.CacheDir = cacheDir(env.Home)
	env.Host = os.Getenv("MAILSYNC_TEST_HOSTNAME")
	if env.Host == "" {
		env.Host = hostname()
	}
	if now := os.Getenv("MAILSYNC_TEST_NOW"); now != "" {
		t, err := time.Parse(time.RFC3339, now)
		if err != nil {
			return env, errors.New("MAILSYNC_TEST_NOW: " + err.Error())
		}
		env.Now = func() time.Time { return t }
	}
	return env, nil
}

// cacheDir is where the header caches live: $XDG_CACHE_HOME/mailsync,
// else ~/.cache/mailsync; "" (no cache) without either.
func cacheDir(home string) string {
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "mailsync")
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".cache", "mailsync")
}

// hostname is the machine's name as c-client writes it in From_ lines.
func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return strings.TrimSpace(h)
}

// accountHome is the home directory of the user running mailsync in the
// password database, "" when unknown.
var accountHome = func() string {
	if u, err := user.Current(); err == nil {
		return u.HomeDir
	}
	return ""
}
