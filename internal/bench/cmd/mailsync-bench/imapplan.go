package main

import (
	"fmt"
	"slices"

	"github.com/mailsync/mailsync/internal/bench"
)

// The mail of one size of the IMAP suite and what each side must hold
// after each phase.

// imapFolders are the server's folders; share is each folder's percentage
// of the messages.
var (
	imapFolders = []string{"INBOX", "work", "lists", "archive", "sent"}
	folderShare = []int{30, 25, 20, 15, 10}
)

// folderOf spreads message i over the folders in the proportions of
// folderShare, mixed rather than in runs.
func folderOf(i int) int {
	x := int(uint32(i)*2654435761>>8) % 100
	for f, share := range folderShare {
		if x < share {
			return f
		}
		x -= share
	}
	return len(folderShare) - 1
}

// plan is the mail of one size: the n messages loaded at the start, and
// the 1% change made on each side before the last re-sync (k new and k
// deleted messages on the server, k other new and k other deleted ones on
// the local side).
type plan struct {
	n, k                int
	folders             []string
	bytes               int64          // size of the n messages
	initial             [][]bench.Mail // per folder
	serverNew, localNew [][]bench.Mail // per folder
	serverDel, localDel map[string]bool
}

func makePlan(n int) (*plan, error) {
	return makePlanIn(n, imapFolders, folderOf)
}

// makePlanIn is makePlan with message i in folders[folderOf(i)].
func makePlanIn(n int, folders []string, folderOf func(int) int) (*plan, error) {
	k := max(1, n/100)
	mails, err := bench.GenerateMails(n+2*k, seed)
	if err != nil {
		return nil, err
	}
	nf := len(folders)
	p := &plan{
		n: n, k: k, folders: folders,
		initial: make([][]bench.Mail, nf), serverNew: make([][]bench.Mail, nf), localNew: make([][]bench.Mail, nf),
		serverDel: map[string]bool{}, localDel: map[string]bool{},
	}
	for i, m := range mails {
		f := folderOf(i)
		switch {
		case i < n:
			p.initial[f] = append(p.initial[f], m)
			p.bytes += int64(len(m.Raw))
		case i < n+k:
			p.serverNew[f] = append(p.serverNew[f], m)
		default:
			p.localNew[f] = append(p.localNew[f], m)
		}
	}
	// k evenly spaced messages deleted on each side, never the same one.
	for j := 0; j < k; j++ {
		p.serverDel[mails[(4*j+1)*n/(4*k)].ID] = true
		p.localDel[mails[(4*j+3)*n/(4*k)].ID] = true
	}
	if len(p.serverDel) != k || len(p.localDel) != k {
		return nil, fmt.Errorf("%d messages: deletion sets of %d and %d, want %d", n, len(p.serverDel), len(p.localDel), k)
	}
	return p, nil
}

// stage is a point of a tool's run at which both sides are checked.
type stage int

const (
	synced  stage = iota // after the initial sync and the no-op
	changed              // after the 1% change, before the re-sync
	resynced
)

// want returns the sorted Message-IDs folder f must hold on the server
// and on the local side at stage st.
func (p *plan) want(f int, st stage) (server, local []string) {
	var initial, sNew, lNew []string
	for _, m := range p.initial[f] {
		initial = append(initial, m.ID)
	}
	for _, m := range p.serverNew[f] {
		sNew = append(sNew, m.ID)
	}
	for _, m := range p.localNew[f] {
		lNew = append(lNew, m.ID)
	}
	without := func(ids []string, drop ...map[string]bool) []string {
		return slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
			for _, d := range drop {
				if d[id] {
					return true
				}
			}
			return false
		})
	}
	switch st {
	case synced:
		server, local = initial, slices.Clone(initial)
	case changed:
		server = append(without(initial, p.serverDel), sNew...)
		local = append(without(initial, p.localDel), lNew...)
	default:
		server = append(append(without(initial, p.serverDel, p.localDel), sNew...), lNew...)
		local = slices.Clone(server)
	}
	slices.Sort(server)
	slices.Sort(local)
	return server, local
}
