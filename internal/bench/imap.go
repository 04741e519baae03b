package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// This file is the benchmark's own IMAP client: the raw-fetch floor and
// the server-side checks and changes. It uses go-imap directly, not the
// IMAP store being measured.

// IMAPAccount is a plain-text (no TLS) IMAP login.
type IMAPAccount struct {
	Addr           string // host:port
	User, Password string
}

// FetchStats is what RawFetch transferred.
type FetchStats struct {
	Messages int
	Bytes    int64 // message bytes (the literals), not protocol overhead
}

// RawFetch is the floor for an initial sync: one connection that selects
// each folder read-only and runs one UID FETCH 1:* BODY.PEEK[], the server
// streaming every message back to back, reading the bodies and throwing
// them away.
func RawFetch(ctx context.Context, a IMAPAccount, folders []string) (FetchStats, error) {
	var st FetchStats
	c, done, err := login(ctx, a)
	if err != nil {
		return st, err
	}
	defer done()
	whole := &goimap.FetchItemBodySection{Peek: true}
	for _, folder := range folders {
		mb, err := c.Select(folder, &goimap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return st, fmt.Errorf("examine %s: %w", folder, err)
		}
		if mb.NumMessages == 0 {
			continue
		}
		cmd := c.Fetch(allUIDs, &goimap.FetchOptions{
			UID: true, BodySection: []*goimap.FetchItemBodySection{whole},
		})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil {
					n, err := io.Copy(io.Discard, body.Literal)
					st.Bytes += n
					if err != nil {
						cmd.Close()
						return st, fmt.Errorf("fetch %s: %w", folder, err)
					}
					st.Messages++
				}
			}
		}
		if err := cmd.Close(); err != nil {
			return st, fmt.Errorf("fetch %s: %w", folder, err)
		}
	}
	return st, ctx.Err()
}

var allUIDs = goimap.UIDSet{goimap.UIDRange{Start: 1, Stop: 0}}

// ServerIDs returns the Message-IDs of the messages in folder, in UID
// order, and how many of them carry \Deleted.
func ServerIDs(ctx context.Context, a IMAPAccount, folder string) (ids []string, deleted int, err error) {
	c, done, err := login(ctx, a)
	if err != nil {
		return nil, 0, err
	}
	defer done()
	msgs, err := listIDs(c, folder, true)
	for _, m := range msgs {
		ids = append(ids, m.id)
		if m.deleted {
			deleted++
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	return ids, deleted, err
}

// DeleteOnServer expunges the messages of folder whose Message-ID is in
// drop (UID STORE +FLAGS.SILENT (\Deleted), then UID EXPUNGE) and returns
// how many it removed.
func DeleteOnServer(ctx context.Context, a IMAPAccount, folder string, drop map[string]bool) (int, error) {
	c, done, err := login(ctx, a)
	if err != nil {
		return 0, err
	}
	defer done()
	set, n, err := uidsOf(c, folder, drop)
	if err != nil || n == 0 {
		return 0, err
	}
	if err := c.Store(set, &goimap.StoreFlags{
		Op: goimap.StoreFlagsAdd, Silent: true, Flags: []goimap.Flag{goimap.FlagDeleted},
	}, nil).Close(); err != nil {
		return 0, fmt.Errorf("flag messages in %s: %w", folder, err)
	}
	gone, err := c.UIDExpunge(set).Collect()
	if err != nil {
		return len(gone), fmt.Errorf("expunge %s: %w", folder, err)
	}
	if len(gone) != n {
		return len(gone), fmt.Errorf("expunge %s: %d messages went, want %d", folder, len(gone), n)
	}
	return n, nil
}

// FolderIDs is what ServerFolderIDs found in one folder.
type FolderIDs struct {
	IDs     []string // Message-IDs in UID order
	Deleted int      // messages carrying \Deleted
}

// ServerFolderIDs is ServerIDs for several folders over one connection
// (a check of 500 folders should not log in 500 times).
func ServerFolderIDs(ctx context.Context, a IMAPAccount, folders []string) ([]FolderIDs, error) {
	c, done, err := login(ctx, a)
	if err != nil {
		return nil, err
	}
	defer done()
	out := make([]FolderIDs, len(folders))
	for i, folder := range folders {
		msgs, err := listIDs(c, folder, true)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			out[i].IDs = append(out[i].IDs, m.id)
			if m.deleted {
				out[i].Deleted++
			}
		}
	}
	return out, ctx.Err()
}

// uidsOf selects folder read-write and returns the UIDs of its messages
// whose Message-ID is in ids, and how many there are.
func uidsOf(c *imapclient.Client, folder string, ids map[string]bool) (goimap.UIDSet, int, error) {
	msgs, err := listIDs(c, folder, false)
	if err != nil {
		return nil, 0, err
	}
	var set goimap.UIDSet
	n := 0
	for _, m := range msgs {
		if ids[m.id] {
			set.AddNum(m.uid)
			n++
		}
	}
	return set, n, nil
}

type serverMsg struct {
	uid     goimap.UID
	id      string
	deleted bool
	flags   string // the synchronised flags as sorted Maildir letters (flags.go)
}

var idSection = &goimap.FetchItemBodySection{
	Specifier: goimap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true,
}

// listIDs selects folder and fetches the UID, flags and Message-ID of
// every message.
func listIDs(c *imapclient.Client, folder string, readOnly bool) ([]serverMsg, error) {
	mb, err := c.Select(folder, &goimap.SelectOptions{ReadOnly: readOnly}).Wait()
	if err != nil {
		return nil, fmt.Errorf("select %s: %w", folder, err)
	}
	if mb.NumMessages == 0 {
		return nil, nil
	}
	bufs, err := c.Fetch(allUIDs, &goimap.FetchOptions{
		UID: true, Flags: true, BodySection: []*goimap.FetchItemBodySection{idSection},
	}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch ids of %s: %w", folder, err)
	}
	out := make([]serverMsg, 0, len(bufs))
	for _, b := range bufs {
		id, err := messageID(bufio.NewReader(bytes.NewReader(b.FindBodySection(idSection))))
		if err != nil {
			return nil, fmt.Errorf("fetch ids of %s: UID %d: %w", folder, b.UID, err)
		}
		m := serverMsg{uid: b.UID, id: id}
		var letters []byte
		for _, f := range b.Flags {
			if f == goimap.FlagDeleted {
				m.deleted = true
			}
			if c, ok := flagLetters[f]; ok {
				letters = append(letters, c)
			}
		}
		m.flags = sortedLetters(letters)
		out = append(out, m)
	}
	return out, nil
}

// login connects without TLS and logs in; done logs out and closes. The
// connection is closed when ctx ends.
func login(ctx context.Context, a IMAPAccount) (*imapclient.Client, func(), error) {
	c, err := imapclient.DialInsecure(a.Addr, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s: %w", a.Addr, err)
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	done := func() {
		stop()
		_ = c.Logout().Wait()
		c.Close()
	}
	if err := c.Login(a.User, a.Password).Wait(); err != nil {
		done()
		return nil, nil, fmt.Errorf("log in to %s as %s: %w", a.Addr, a.User, err)
	}
	return c, done, nil
}
