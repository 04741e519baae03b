package memory_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

var date = time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)

func TestPutContents(t *testing.T) {
	s := memory.New()
	if err := s.Put("dir/a", []byte("Subject: x\n\nline\r\nend"), store.Seen|store.Recent, date); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Boxes(), []string{"dir/a"}; !slices.Equal(got, want) {
		t.Errorf("Boxes = %q, want %q", got, want)
	}
	msgs, raws := s.Contents("dir/a")
	if len(msgs) != 1 {
		t.Fatalf("Contents: %d messages", len(msgs))
	}
	if want := "Subject: x\r\n\r\nline\r\nend"; string(raws[0]) != want {
		t.Errorf("raw = %q, want %q", raws[0], want)
	}
	m := msgs[0]
	if m.Size != int64(len(raws[0])) || m.Flags != store.Seen|store.Recent || !m.InternalDate.Equal(date) ||
		string(m.Header) != "Subject: x\r\n\r\n" {
		t.Errorf("message = %+v", m)
	}
	if msgs, raws := s.Contents("nothere"); msgs != nil || raws != nil {
		t.Errorf("Contents of a missing box = %v, %v", msgs, raws)
	}
	list, err := s.List(t.Context(), "", "*")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ListEntry{{Name: "dir", Delim: '/', NoSelect: true}, {Name: "dir/a", Delim: '/'}}
	if !slices.Equal(list, want) {
		t.Errorf("List = %+v, want %+v", list, want)
	}
}

func TestFolder(t *testing.T) {
	s := memory.New()
	if err := s.Folder("x/y"); err != nil {
		t.Fatal(err)
	}
	if err := s.Folder("x"); !errors.Is(err, store.ErrExists) {
		t.Errorf("Folder of an existing folder: %v", err)
	}
	if err := s.Create(t.Context(), "x/y"); !errors.Is(err, store.ErrExists) {
		t.Errorf("Create over a folder: %v", err)
	}
	if _, err := s.Open(t.Context(), "x/y", store.ReadOnly); !errors.Is(err, store.ErrNoMailbox) {
		t.Errorf("Open of a folder: %v", err)
	}
	list, err := s.List(t.Context(), "", "x/%")
	if err != nil {
		t.Fatal(err)
	}
	// "x/" matches "x/%" as a local store lists the directory a pattern ends in.
	want := []store.ListEntry{{Name: "x/", Delim: '/', NoSelect: true}, {Name: "x/y", Delim: '/', NoSelect: true}}
	if !slices.Equal(list, want) {
		t.Errorf("List = %+v, want %+v", list, want)
	}
}

func TestAppendChecksBody(t *testing.T) {
	s := memory.New()
	if err := s.Create(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	mb, err := s.Open(t.Context(), "a", store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		body string
		size int64
	}{{"Subject: x\n\nbody\n", 17}, {"Subject: x\r\n\r\n", 3}} {
		err := mb.Append(t.Context(), store.NewMessage{Size: c.size, Body: strings.NewReader(c.body)})
		if err == nil {
			t.Errorf("Append(%q, Size %d) succeeded", c.body, c.size)
		}
	}
	if msgs, _ := s.Contents("a"); len(msgs) != 0 {
		t.Errorf("failed Appends left %d messages", len(msgs))
	}
}

func TestFailAfter(t *testing.T) {
	s := memory.New()
	ctx := t.Context()
	boom := errors.New("boom")
	s.FailAfter(3, boom)
	for i, name := range []string{"a", "b"} {
		if err := s.Create(ctx, name); err != nil {
			t.Fatalf("mutation %d: %v", i+1, err)
		}
	}
	if err := s.Create(ctx, "c"); !errors.Is(err, boom) {
		t.Errorf("3rd mutation: %v, want boom", err)
	}
	if err := s.Delete(ctx, "a"); !errors.Is(err, boom) {
		t.Errorf("4th mutation: %v, want boom", err)
	}
	mb, err := s.Open(ctx, "a", store.ReadWrite)
	if err != nil {
		t.Fatalf("Open is not a mutation: %v", err)
	}
	raw := []byte("Subject: x\r\n\r\n")
	if err := mb.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: bytes.NewReader(raw)}); !errors.Is(err, boom) {
		t.Errorf("Append: %v, want boom", err)
	}
	if _, err := mb.Expunge(ctx); !errors.Is(err, boom) {
		t.Errorf("Expunge: %v, want boom", err)
	}
	if got, want := s.Boxes(), []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("Boxes = %q, want %q", got, want)
	}
	if n := s.Mutations(); n != 2 {
		t.Errorf("Mutations = %d, want 2", n)
	}
	s.FailAfter(0, nil)
	if err := mb.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: bytes.NewReader(raw)}); err != nil {
		t.Errorf("Append after disarming: %v", err)
	}
	if n := s.Mutations(); n != 3 {
		t.Errorf("Mutations = %d, want 3", n)
	}
}

func TestDeletedWhileOpen(t *testing.T) {
	s := memory.New()
	ctx := t.Context()
	if err := s.Put("a", []byte("Subject: x\n\n"), 0, date); err != nil {
		t.Fatal(err)
	}
	mb, err := s.Open(ctx, "a", store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Messages(ctx); !errors.Is(err, store.ErrNoMailbox) {
		t.Errorf("Messages of a deleted box: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(ctx, "", "*"); err == nil {
		t.Error("List after Close succeeded")
	}
}

func TestConcurrent(t *testing.T) {
	s := memory.New()
	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			name := fmt.Sprintf("box%d", w)
			for i := range 50 {
				if err := s.Put(name, []byte("Subject: x\n\nbody\n"), 0, date); err != nil {
					t.Error(err)
					return
				}
				mb, err := s.Open(ctx, name, store.ReadWrite)
				if err != nil {
					t.Error(err)
					return
				}
				msgs, err := mb.Messages(ctx)
				if err == nil && i%10 == 0 {
					err = mb.MarkDeleted(ctx, []uint64{msgs[0].Key})
				}
				if err == nil {
					_, err = mb.Expunge(ctx)
				}
				if err != nil {
					t.Error(err)
				}
				mb.Close()
			}
		})
	}
	wg.Wait()
	total := 0
	for _, b := range s.Boxes() {
		msgs, _ := s.Contents(b)
		total += len(msgs)
	}
	if total == 0 || total > 400 {
		t.Errorf("%d messages left of 400 put", total)
	}
}
