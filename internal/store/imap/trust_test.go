package imap_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// What a lying server can make the backend do (doc/design/trust-memory.md):
// these tests falsify the FETCH answers of go-imap's memory server.

// fetchFunc answers a FETCH in place of the honest session inner.
type fetchFunc func(inner imapserver.Session, w *imapserver.FetchWriter, numSet goimap.NumSet, opt *goimap.FetchOptions) error

// lyingSession is the memory server's session with a falsified Fetch.
type lyingSession struct {
	imapserver.SessionIMAP4rev2
	fetch fetchFunc
}

func (s *lyingSession) Fetch(w *imapserver.FetchWriter, numSet goimap.NumSet, opt *goimap.FetchOptions) error {
	return s.fetch(s.SessionIMAP4rev2, w, numSet, opt)
}

// startLying starts a memory server whose FETCH answers come from fetch
// (nil: honest until setFetch) and returns it with a function that sets
// fetch.
func startLying(t *testing.T) (*memServer, func(fetchFunc)) {
	t.Helper()
	m := &memServer{}
	var cur atomic.Value
	honest := fetchFunc(func(inner imapserver.Session, w *imapserver.FetchWriter, numSet goimap.NumSet, opt *goimap.FetchOptions) error {
		return inner.Fetch(w, numSet, opt)
	})
	cur.Store(honest)
	addr, stop, err := imaptest.Start(imaptest.Options{User: testUser, Password: testPass, Trace: m,
		Wrap: func(s imapserver.Session) imapserver.Session {
			return &lyingSession{SessionIMAP4rev2: s.(imapserver.SessionIMAP4rev2),
				fetch: func(inner imapserver.Session, w *imapserver.FetchWriter, n goimap.NumSet, o *goimap.FetchOptions) error {
					return cur.Load().(fetchFunc)(inner, w, n, o)
				}}
		}})
	if err != nil {
		t.Fatal(err)
	}
	m.addr = addr
	t.Cleanup(stop)
	return m, func(f fetchFunc) { cur.Store(f) }
}

// trustBox fills box "box" of a new server with three messages (UIDs 1-3)
// and returns it opened read-only after its listing, with the messages.
func trustBox(t *testing.T, m *memServer, opt imap.Options) (store.Mailbox, map[uint64][]byte) {
	t.Helper()
	st, err := m.dial(t, "/notls", opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := st.Create(ctx, "box"); err != nil {
		t.Fatal(err)
	}
	mb, err := st.Open(ctx, "box", store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint64][]byte{}
	for i := 1; i <= 3; i++ {
		raw := []byte(fmt.Sprintf("Message-ID: <%d@x>\r\nSubject: %d\r\n\r\nbody %d\r\n", i, i, i))
		if err := mb.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: bytes.NewReader(raw), InternalDate: time.Unix(1e9, 0)}); err != nil {
			t.Fatal(err)
		}
		want[uint64(i)] = raw
	}
	mb.Close()
	mb, err = st.Open(ctx, "box", store.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mb.Close() })
	return mb, want
}

// wholeBody reports whether a FETCH asks for BODY[].
func wholeBody(opt *goimap.FetchOptions) *goimap.FetchItemBodySection {
	for _, bs := range opt.BodySection {
		if bs.Specifier == goimap.PartSpecifierNone && len(bs.Part) == 0 {
			return bs
		}
	}
	return nil
}

// uidsOf calls f for each of the UIDs 1 to 3 that numSet holds, in order.
func uidsOf(numSet goimap.NumSet, f func(uid goimap.UID) error) error {
	set, ok := numSet.(goimap.UIDSet)
	for uid := goimap.UID(1); uid <= 3; uid++ {
		if ok && set.Contains(uid) {
			if err := f(uid); err != nil {
				return err
			}
		}
	}
	return nil
}

// bodyFetch answers BODY[] requests honestly except for UID lie, whose
// literal write writes; other FETCHes are honest.
func bodyFetch(lie goimap.UID, write func(w *imapserver.FetchWriter, bs *goimap.FetchItemBodySection) error) fetchFunc {
	return func(inner imapserver.Session, w *imapserver.FetchWriter, numSet goimap.NumSet, opt *goimap.FetchOptions) error {
		bs := wholeBody(opt)
		if bs == nil {
			return inner.Fetch(w, numSet, opt)
		}
		return uidsOf(numSet, func(uid goimap.UID) error {
			if uid == lie {
				return write(w, bs)
			}
			return inner.Fetch(w, goimap.UIDSetNum(uid), opt)
		})
	}
}

// collectEach runs FetchEach for keys and returns each body or error.
func collectEach(t *testing.T, mb store.Mailbox, keys []uint64) (map[uint64][]byte, map[uint64]error, int, error) {
	t.Helper()
	bodies, errs := map[uint64][]byte{}, map[uint64]error{}
	n, err := mb.(store.BulkFetcher).FetchEach(t.Context(), keys, func(key uint64, body io.Reader) error {
		data, err := io.ReadAll(body)
		if err != nil {
			errs[key] = err
			return err
		}
		bodies[key] = data
		return nil
	})
	return bodies, errs, n, err
}

// TestBodyLongerThanListed: a literal longer than the listed RFC822.SIZE
// fails its message (it is neither buffered nor truncated); a small excess
// is drained, so the other messages and the connection go on.
func TestBodyLongerThanListed(t *testing.T) {
	m, setFetch := startLying(t)
	mb, want := trustBox(t, m, imap.Options{})
	if _, err := mb.Messages(t.Context()); err != nil {
		t.Fatal(err)
	}
	setFetch(bodyFetch(2, func(w *imapserver.FetchWriter, bs *goimap.FetchItemBodySection) error {
		body := append(append([]byte{}, want[2]...), strings.Repeat("X", 100)...)
		rw := w.CreateMessage(2)
		rw.WriteUID(2)
		wc := rw.WriteBodySection(bs, int64(len(body)))
		wc.Write(body)
		wc.Close()
		return rw.Close()
	}))
	bodies, errs, n, err := collectEach(t, mb, []uint64{3, 2, 1})
	if err != nil || n != 3 {
		t.Fatalf("FetchEach = %d, %v; want 3, nil", n, err)
	}
	if e := errs[2]; e == nil || !strings.Contains(e.Error(), "listed as") {
		t.Errorf("UID 2: body %q, error %v; want the size lie refused", bodies[2], e)
	}
	for _, k := range []uint64{1, 3} {
		if !bytes.Equal(bodies[k], want[k]) {
			t.Errorf("UID %d: %q, %v; want %q", k, bodies[k], errs[k], want[k])
		}
	}
	if rc, err := mb.Fetch(t.Context(), 2); err == nil {
		got, err := io.ReadAll(rc)
		rc.Close()
		t.Errorf("Fetch UID 2 = %q, %v; want the size lie refused", got, err)
	} else if !strings.Contains(err.Error(), "listed as") {
		t.Errorf("Fetch UID 2: %v; want the size lie refused", err)
	}
	rc, err := mb.Fetch(t.Context(), 1)
	if err != nil {
		t.Fatalf("Fetch UID 1 after a drained lie: %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, want[1]) {
		t.Errorf("Fetch UID 1 = %q", got)
	}
}

// endless writes zeros into a literal announced as size until the client
// stops reading or limit bytes are written, then ends the connection (a
// panic, which go-imap's server turns into a close); written counts them.
func endless(w io.Writer, limit int64, written *atomic.Int64) {
	zeros := make([]byte, 64<<10)
	for written.Load() < limit {
		n, err := w.Write(zeros)
		written.Add(int64(n))
		if err != nil {
			break
		}
	}
	panic("hostile test server: literal ended")
}

// TestHugeLiteralDropsConnection: a body literal announced far beyond the
// listed size is not read: the connection is dropped at once (the server
// could write only what the sockets buffer), the messages before it are
// delivered and the rest fail, saying why.
func TestHugeLiteralDropsConnection(t *testing.T) {
	m, setFetch := startLying(t)
	mb, want := trustBox(t, m, imap.Options{})
	if _, err := mb.Messages(t.Context()); err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	const limit = 256 << 20
	setFetch(bodyFetch(2, func(w *imapserver.FetchWriter, bs *goimap.FetchItemBodySection) error {
		rw := w.CreateMessage(2)
		rw.WriteUID(2)
		endless(rw.WriteBodySection(bs, 1<<40), limit, &written)
		return nil
	}))
	bodies, errs, n, err := collectEach(t, mb, []uint64{1, 2, 3})
	if err == nil || n == 3 || !strings.Contains(err.Error(), "dropped") {
		t.Errorf("FetchEach = %d, %v; want the connection dropped", n, err)
	}
	if !bytes.Equal(bodies[1], want[1]) {
		t.Errorf("UID 1: %q, %v", bodies[1], errs[1])
	}
	if e := errs[2]; e == nil || !strings.Contains(e.Error(), "listed as") {
		t.Errorf("UID 2: error %v; want the size lie", e)
	}
	if w := written.Load(); w >= limit {
		t.Errorf("the client read all %d bytes the server wrote instead of hanging up", w)
	}
}

// TestHeaderTooLarge: a listing leaves out a message whose header fields
// literal exceeds the cap, saying which message, box and server
// (store.LeftOut), and lists the others.
func TestHeaderTooLarge(t *testing.T) {
	m, setFetch := startLying(t)
	mb, _ := trustBox(t, m, imap.Options{})
	hdr := "Message-ID: <2@x>\r\nSubject: " + strings.Repeat("x", 2<<20) + "\r\n\r\n"
	setFetch(func(inner imapserver.Session, w *imapserver.FetchWriter, numSet goimap.NumSet, opt *goimap.FetchOptions) error {
		if len(opt.BodySection) == 0 || wholeBody(opt) != nil {
			return inner.Fetch(w, numSet, opt)
		}
		return uidsOf(numSet, func(uid goimap.UID) error {
			if uid != 2 {
				return inner.Fetch(w, goimap.UIDSetNum(uid), opt)
			}
			rw := w.CreateMessage(2)
			rw.WriteUID(2)
			rw.WriteFlags(nil)
			rw.WriteInternalDate(time.Unix(1e9, 0))
			rw.WriteRFC822Size(100)
			wc := rw.WriteBodySection(opt.BodySection[0], int64(len(hdr)))
			io.WriteString(wc, hdr)
			wc.Close()
			return rw.Close()
		})
	})
	msgs, err := mb.Messages(t.Context())
	var skipped *store.SkippedError
	if !errors.As(err, &skipped) || len(skipped.Left) != 1 {
		t.Fatalf("Messages = %d messages, %v; want a SkippedError", len(msgs), err)
	}
	want := store.LeftOut{UID: 2, Mailbox: "box", Server: m.addr, HeaderBytes: int64(len(hdr)), Limit: 1 << 20}
	if got := skipped.Left[0]; got != want {
		t.Errorf("left out %+v, want %+v", got, want)
	}
	if len(msgs) != 2 || msgs[0].Key != 1 || msgs[1].Key != 3 {
		t.Errorf("listed %v; want UIDs 1 and 3", msgs)
	}
}

// TestGhostAnswersIgnored: FETCH data for a sequence number beyond EXISTS
// and a UID nobody asked for is no message: neither the listing (with and
// without the header cache) nor the fetches take it.
func TestGhostAnswersIgnored(t *testing.T) {
	m, setFetch := startLying(t)
	mb, want := trustBox(t, m, imap.Options{CacheDir: t.TempDir()})
	setFetch(imaptest.GhostFetch)
	for round := range 2 { // the second round lists with the header cache
		msgs, err := mb.Messages(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var keys []uint64
		for _, msg := range msgs {
			keys = append(keys, msg.Key)
		}
		if fmt.Sprint(keys) != "[1 2 3]" {
			t.Errorf("round %d: listed UIDs %v, want [1 2 3]", round, keys)
		}
	}
	bodies, errs, n, err := collectEach(t, mb, []uint64{1, 2, 3})
	if err != nil || n != 3 {
		t.Fatalf("FetchEach = %d, %v", n, err)
	}
	for k, b := range want {
		if !bytes.Equal(bodies[k], b) {
			t.Errorf("UID %d: %q, %v; want %q", k, bodies[k], errs[k], b)
		}
	}
	rc, err := mb.Fetch(t.Context(), 2)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, want[2]) {
		t.Errorf("Fetch UID 2 = %q, want %q", got, want[2])
	}
}
