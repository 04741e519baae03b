package testservers

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// DirEnv overrides the directory scripts/servers.sh unpacks into; the
// script reads the same variable.
const DirEnv = "MAILSYNC_SERVERS_DIR"

// TreeDir is the unpacked tree: $MAILSYNC_SERVERS_DIR/root, by default
// ${XDG_CACHE_HOME:-~/.cache}/mailsync/servers/root.
func TreeDir() (string, error) {
	if d := os.Getenv(DirEnv); d != "" {
		return filepath.Join(d, "root"), nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache directory for the test servers: %w", err)
	}
	return filepath.Join(c, "mailsync", "servers", "root"), nil
}

// checkTree reports whether the tree holds the programs of kind k.
func checkTree(root string, k Kind) error {
	if _, err := os.Stat(filepath.Join(root, ".stamp")); err != nil {
		return fmt.Errorf("%s is not unpacked in %s (run scripts/servers.sh, or make setup): %w", k, root, err)
	}
	for _, p := range k.programs() {
		st, err := os.Stat(filepath.Join(root, p))
		if err != nil {
			return fmt.Errorf("%s: %w (rerun scripts/servers.sh)", k, err)
		}
		if st.Mode()&0o111 == 0 {
			return fmt.Errorf("%s: %s is not executable", k, filepath.Join(root, p))
		}
	}
	if os.Geteuid() != 0 {
		return errors.New("the test servers run in private mount namespaces, which needs root")
	}
	return nil
}
