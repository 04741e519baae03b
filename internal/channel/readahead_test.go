package channel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// fetchFaults is a memory store whose mailboxes fail to fetch the
// messages with some subjects: "open fails" at once, "read fails" half
// way through the body. cancelAt cancels the run when the message with
// that subject is fetched.
type fetchFaults struct {
	*memory.Store
	cancelAt string
	cancel   context.CancelFunc
}

func (s fetchFaults) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	mb, err := s.Store.Open(ctx, name, mode)
	if err != nil {
		return nil, err
	}
	return fetchFaultsBox{mb, s}, nil
}

type fetchFaultsBox struct {
	store.Mailbox
	s fetchFaults
}

var errFetch = errors.New("fetch fault")

func (b fetchFaultsBox) Fetch(ctx context.Context, key uint64) (io.ReadCloser, error) {
	body, err := b.Mailbox.Fetch(ctx, key)
	if err != nil {
		return nil, err
	}
	raw, _ := io.ReadAll(body)
	body.Close()
	subject := subjectOf(raw)
	if b.s.cancelAt != "" && subject == b.s.cancelAt {
		b.s.cancel()
	}
	switch subject {
	case "open fails":
		return nil, errFetch
	case "read fails":
		return io.NopCloser(io.MultiReader(bytes.NewReader(raw[:len(raw)/2]), errReader{})), nil
	}
	return io.NopCloser(bytes.NewReader(raw)), nil
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errFetch }

// bigMsg is a message with id and subject and a body of n bytes.
func bigMsg(id, subject string, n int) []byte {
	return []byte("Message-ID: " + id + "\nSubject: " + subject + "\n\n" + strings.Repeat("x", n-1) + "\n")
}

// TestReadAheadCopies: messages small and big (streamed), and messages
// whose fetch fails at once or half way, arrive (or fail) in order, with
// the same bytes and the same lines as one copy after the other.
func TestReadAheadCopies(t *testing.T) {
	a, b := memory.New(), memory.New()
	var want []string
	for i := range max(48, 3*aheadSlots) {
		subject := fmt.Sprintf("m%02d", i)
		size := 100 + i
		switch {
		case i == 10:
			subject = "open fails"
		case i == 20:
			subject = "read fails"
		case i == 25:
			subject, size = "read fails", aheadMaxSize*2 // streamed, fails half way
		case i%7 == 3:
			size = aheadMaxSize + 1 + i // streamed
		}
		if err := a.Put("inbox", bigMsg(fmt.Sprintf("<%02d@x>", i), subject, size), 0, jan1); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(subject, "fails") {
			want = append(want, subject)
		}
	}
	out, errs, failed := syncSides(t, context.Background(), fetchFaults{Store: a}, b, Options{Long: true})
	if !failed {
		t.Error("the run did not fail")
	}
	if got := subjects(b, "inbox"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("copied %v\nwant %v", got, want)
	}
	_, rawA := a.Contents("inbox")
	_, rawB := b.Contents("inbox")
	j := 0
	for _, raw := range rawA {
		if bytes.Contains(raw, []byte("fails")) {
			continue
		}
		if !bytes.Equal(raw, rawB[j]) {
			t.Errorf("copy %d differs", j)
		}
		j++
	}
	if n := strings.Count(out, "copyfail"); n != 3 {
		t.Errorf("%d copyfail lines, want 3:\n%s", n, out)
	}
	if n := strings.Count(errs, "fetch fault"); n != 3 {
		t.Errorf("%d errors, want 3:\n%s", n, errs)
	}
	if i, k := strings.Index(out, "m09"), strings.Index(out, "copyfail"); i < 0 || k < i {
		t.Errorf("lines out of order:\n%s", out)
	}
}

// TestReadAheadInterrupted: a run cancelled during the copies stops
// them, and its read-ahead ends with it.
func TestReadAheadInterrupted(t *testing.T) {
	a, b := memory.New(), memory.New()
	for i := range 4 * aheadSlots {
		size := 100
		if i%5 == 0 {
			size = aheadMaxSize + 1
		}
		if err := a.Put("inbox", bigMsg(fmt.Sprintf("<%02d@x>", i), fmt.Sprintf("m%02d", i), size), 0, jan1); err != nil {
			t.Fatal(err)
		}
	}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, _, failed := syncSides(t, ctx, fetchFaults{Store: a, cancelAt: "m20", cancel: cancel}, b, Options{})
	if !failed {
		t.Error("the interrupted run did not fail")
	}
	if n := len(subjects(b, "inbox")); n >= 4*aheadSlots || n < 10 {
		t.Errorf("%d messages copied before the interrupt", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running (%d before)", n-before, before)
	}
}

// syncSides syncs the stores a and b (b a memory store) once.
func syncSides(t *testing.T, ctx context.Context, a store.Store, b *memory.Store, opt Options) (string, string, bool) {
	t.Helper()
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	e := &Engine{Opt: opt, R: r}
	sa, sb := sidesOf(t, r, a, b)
	_, res := e.Sync(ctx, sa, sb, nil)
	r.Flush()
	return out.String(), errb.String(), res.Failed
}
