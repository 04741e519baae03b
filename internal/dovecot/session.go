package dovecot

import (
	"slices"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Selected returns a client logged in as the account with folder
// selected (read-write), closed in tb.Cleanup: for tests that check what
// Dovecot makes of mail another program wrote, and change it through
// Dovecot.
func (a *Account) Selected(tb testing.TB, folder string) *imapclient.Client {
	tb.Helper()
	c, err := imapclient.DialInsecure(a.s.Addr(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	if err := c.Login(a.Name, a.Password).Wait(); err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		tb.Fatal(err)
	}
	return c
}

// FetchFlags returns the flags of messages 1 to n of the folder c has
// selected, those keep accepts, sorted and joined by blanks, one string
// a message.
func FetchFlags(tb testing.TB, c *imapclient.Client, n uint32, keep func(goimap.Flag) bool) []string {
	tb.Helper()
	var seq goimap.SeqSet
	seq.AddRange(1, n)
	fetched, err := c.Fetch(seq, &goimap.FetchOptions{Flags: true}).Collect()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, m := range fetched {
		var fs []string
		for _, f := range m.Flags {
			if keep(f) {
				fs = append(fs, string(f))
			}
		}
		slices.Sort(fs)
		out = append(out, strings.Join(fs, " "))
	}
	return out
}
