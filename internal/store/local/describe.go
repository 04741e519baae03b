package local

import (
	"path/filepath"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.Describer = (*Store)(nil)

// Describe is the absolute path of a local mailbox (5.2.7's -d " Fetching
// message id's in mailbox" line); the name itself when it has no path.
func (s *Store) Describe(name string) string {
	p, err := s.Path(name)
	if err != nil {
		return name
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.env.Home, p)
	}
	return p
}
