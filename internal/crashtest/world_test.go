package crashtest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
)

// layout is where the messages of a world start: the boxes of each side
// and the msinfo state of the last sync.
type layout struct {
	a, b map[string][]mail
	last msinfo.State
}

// sharedBoxes exist on both sides; onlya and onlyb on one side each (the
// sync creates them on the other).
var sharedBoxes = []string{"inbox", "work", "lists"}

// genLayout spreads n messages over the boxes so that a sync copies both
// ways, deletes on both sides (ids the msinfo remembers that one side
// lost), keeps messages new on both sides and creates boxes.
func genLayout(seed uint64, n int, tag string) layout {
	r := rand.New(rand.NewPCG(seed, 0x6d61696c73796e63))
	l := layout{a: map[string][]mail{}, b: map[string][]mail{}, last: msinfo.State{}}
	for _, box := range sharedBoxes {
		l.a[box], l.b[box] = nil, nil
	}
	for i := range n {
		m := genMail(r, tag, i)
		switch p := r.IntN(100); {
		case p < 5:
			l.a["onlya"] = append(l.a["onlya"], m)
		case p < 10:
			l.b["onlyb"] = append(l.b["onlyb"], m)
		default:
			box := sharedBoxes[r.IntN(len(sharedBoxes))]
			onA, onB, inLast := false, false, false
			switch q := r.IntN(100); {
			case q < 35: // synced before
				onA, onB, inLast = true, true, true
			case q < 60: // new in a: copied a->b
				onA = true
			case q < 75: // new in b: copied b->a
				onB = true
			case q < 85: // deleted in b: deleted in a
				onA, inLast = true, true
			case q < 95: // deleted in a: deleted in b
				onB, inLast = true, true
			default: // arrived on both sides
				onA, onB = true, true
			}
			if onA {
				l.a[box] = append(l.a[box], m)
			}
			if onB {
				l.b[box] = append(l.b[box], m)
			}
			if inLast {
				l.last[box] = append(l.last[box], m.id)
			}
		}
	}
	for _, ids := range l.last {
		sort.Strings(ids)
	}
	return l
}

// writeMsinfo writes the channel ch's last state as the msinfo at path.
func writeMsinfo(ctx context.Context, path, ch string, last msinfo.State) error {
	env := store.Env{Home: filepath.Dir(path), User: "tester", Host: "testhost"}
	f, err := msinfo.OpenLocal(path, filepath.Base(path), msinfo.Options{Env: env})
	if err != nil {
		return err
	}
	if err := f.Save(ctx, ch, last); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readMsinfo reads the channel ch's state from the msinfo at path.
func readMsinfo(ctx context.Context, path, ch string) (msinfo.State, error) {
	f, err := msinfo.OpenLocal(path, filepath.Base(path), msinfo.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Load(ctx, ch)
}

// localConfig syncs the mbox store a (mail/a) with the Maildir++ store b
// (~/Maildir) through the msinfo ~/.msinfo.
const localConfig = `store a {
	pat	mail/a/%
	prefix	mail/a/
}
store b {
	pat	Maildir/%
	prefix	Maildir/
}
channel ch a b {
	msinfo	.msinfo
}
`

// writeLocalWorld lays l out in h: side a as mbox files, side b as the
// Maildir++ folders of ~/Maildir, plus the msinfo and the configuration.
func writeLocalWorld(t *testing.T, h *home, l layout) {
	t.Helper()
	for box, msgs := range l.a {
		if err := writeMbox(h.path("mail/a/"+box), msgs); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeMaildir(h.path("Maildir"), nil, false); err != nil {
		t.Fatal(err)
	}
	for box, msgs := range l.b {
		if err := writeMaildir(h.path("Maildir/."+box), msgs, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeMsinfo(t.Context(), h.path(".msinfo"), "ch", l.last); err != nil {
		t.Fatal(err)
	}
	h.write(".mailsync", []byte(localConfig))
}

// readLocal reads both sides of a local world (hash: see readBox).
func readLocal(ctx context.Context, h *home, hash bool) (snapshot, error) {
	var sn snapshot
	var errA, errB error
	var wg sync.WaitGroup
	wg.Go(func() { sn.a, errA = readMboxDir(ctx, h.path("mail/a"), hash) })
	wg.Go(func() { sn.b, errB = readMaildirPlus(ctx, h.path("Maildir"), ".", hash) })
	wg.Wait()
	return sn, errors.Join(errA, errB)
}

// strays lists the files below dir that no finished run should leave:
// lock files, mailsync's temporary files (mbox expunge, msinfo rewrite)
// and files in Maildir tmp/ directories.
func strays(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		base := d.Name()
		if strings.HasSuffix(base, ".lock") || strings.Contains(base, ".mailsync-") ||
			strings.Contains(base, ".tmp-") || filepath.Base(filepath.Dir(p)) == "tmp" {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// deletedBy returns the (box, id) pairs of before that after holds on
// neither side: what the sync deleted.
func deletedBy(before, after snapshot) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	now := after.union()
	for box, ids := range before.union() {
		for id := range ids {
			if !now[box][id] {
				if out[box] == nil {
					out[box] = map[string]bool{}
				}
				out[box][id] = true
			}
		}
	}
	return out
}

// lost lists the (box, id) pairs of before that now holds on neither
// side although the plan (deleted) keeps them.
func lost(before, now snapshot, deleted map[string]map[string]bool) []string {
	var out []string
	have := now.union()
	for box, ids := range before.union() {
		for id := range ids {
			if !have[box][id] && !deleted[box][id] {
				out = append(out, fmt.Sprintf("%s %s", box, id))
			}
		}
	}
	sort.Strings(out)
	return out
}
