package imap_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// flagServer is a scripted server (package imapscript) with one folder,
// "box", of n messages with UIDs 1 to n, whose flags UID STORE changes:
// the SetFlags tests count and read the STORE commands and make the
// server misbehave while answering them.
type flagServer struct {
	*imapscript.Server

	mu    sync.Mutex
	flags []store.Flags // by UID - 1
	// stores are the UID STORE commands' arguments in the order sent
	// ("1:3 +FLAGS.SILENT (\Seen)").
	stores []string
	// pending are the STORE commands not answered yet.
	pending []imapscript.Command

	// permanent is the PERMANENTFLAGS list SELECT sends ("" none).
	permanent string
	// batch: STORE commands are answered only once this many are
	// pending, so a client that waits for each answer never gets one.
	batch int
	// answer answers the pending STORE commands (nil: OK each). It may
	// write anything before, between and instead of the OKs.
	answer func(c *imapscript.Conn, pending []imapscript.Command)
}

// startFlagServer starts a flagServer with n messages without flags;
// set lets the test configure it before the first command arrives.
func startFlagServer(t *testing.T, n int, set func(*flagServer)) *flagServer {
	t.Helper()
	fs := &flagServer{flags: make([]store.Flags, n)}
	if set != nil {
		set(fs)
	}
	fs.Server = imapscript.Start(t, "* OK ready", script([]string{"box"}, fs.handle))
	return fs
}

// open dials the server and opens box in mode, listed.
func (fs *flagServer) open(t *testing.T, mode store.Mode) (*imap.Store, store.Mailbox, []store.Message) {
	t.Helper()
	st := dialScript(t, fs.Server)
	mb, err := st.Open(t.Context(), "box", mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mb.Close() })
	msgs, err := mb.Messages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st, mb, msgs
}

// storesSent returns the STORE commands' arguments received so far.
func (fs *flagServer) storesSent() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.stores...)
}

// flagsOf returns the flags the server holds for each message.
func (fs *flagServer) flagsOf() []store.Flags {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]store.Flags(nil), fs.flags...)
}

func (fs *flagServer) handle(c *imapscript.Conn, cmd imapscript.Command) {
	switch cmd.Name {
	case "SELECT", "EXAMINE":
		c.Writef("* %d EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT %d] ok\r\n", len(fs.flags), len(fs.flags)+1)
		c.Write("* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)\r\n")
		if fs.permanent != "" {
			c.Writef("* OK [PERMANENTFLAGS (%s)] ok\r\n", fs.permanent)
		}
		mode := "READ-WRITE"
		if cmd.Name == "EXAMINE" {
			mode = "READ-ONLY"
		}
		c.Writef("%s OK [%s] selected\r\n", cmd.Tag, mode)
	case "UID":
		verb, args, _ := strings.Cut(cmd.Args, " ")
		switch strings.ToUpper(verb) {
		case "FETCH":
			fs.list(c, cmd)
		case "STORE":
			fs.store(c, cmd, args)
		default:
			c.Writef("%s BAD unknown\r\n", cmd.Tag)
		}
	default:
		c.Writef("%s BAD unknown\r\n", cmd.Tag)
	}
}

// list answers any UID FETCH with every message's UID, flags, date, size
// and header fields.
func (fs *flagServer) list(c *imapscript.Conn, cmd imapscript.Command) {
	for i, f := range fs.flagsOf() {
		hdr := fmt.Sprintf("Message-ID: <%d@x>\r\n\r\n", i+1)
		c.Writef("* %d FETCH (UID %d FLAGS (%s) INTERNALDATE \"02-Jan-2020 03:04:05 +0000\" RFC822.SIZE %d "+
			"BODY[HEADER.FIELDS (Message-ID Date Subject From To)] {%d}\r\n%s)\r\n",
			i+1, i+1, imapFlags(f), len(hdr)+6, len(hdr), hdr)
	}
	c.OK(cmd, "done")
}

// store applies "SET +FLAGS.SILENT (...)" and answers once batch
// commands are pending.
func (fs *flagServer) store(c *imapscript.Conn, cmd imapscript.Command, args string) {
	set, rest, _ := strings.Cut(args, " ")
	op, list, _ := strings.Cut(rest, " ")
	f := parseFlags(list)
	fs.mu.Lock()
	fs.stores = append(fs.stores, args)
	for _, uid := range parseUIDs(set) {
		if uid < 1 || uid > len(fs.flags) {
			continue
		}
		switch strings.ToUpper(op) {
		case "+FLAGS.SILENT":
			fs.flags[uid-1] |= f
		case "-FLAGS.SILENT":
			fs.flags[uid-1] &^= f
		}
	}
	fs.pending = append(fs.pending, cmd)
	pending := fs.pending
	if len(pending) < fs.batch {
		fs.mu.Unlock()
		return
	}
	fs.pending = nil
	fs.mu.Unlock()
	if fs.answer != nil {
		fs.answer(c, pending)
		return
	}
	for _, p := range pending {
		c.OK(p, "stored")
	}
}

// parseUIDs expands "1:3,5" to 1, 2, 3, 5.
func parseUIDs(set string) []int {
	var out []int
	for _, r := range strings.Split(set, ",") {
		a, b, isRange := strings.Cut(r, ":")
		lo, _ := strconv.Atoi(a)
		hi := lo
		if isRange {
			hi, _ = strconv.Atoi(b)
		}
		for u := lo; u <= hi; u++ {
			out = append(out, u)
		}
	}
	return out
}

var flagWords = []struct {
	f    store.Flags
	word string
}{{store.Seen, `\Seen`}, {store.Answered, `\Answered`}, {store.Flagged, `\Flagged`}, {store.Deleted, `\Deleted`}, {store.Draft, `\Draft`}}

// parseFlags reads "(\Seen \Flagged)".
func parseFlags(list string) store.Flags {
	var f store.Flags
	for _, w := range strings.Fields(strings.Trim(list, "()")) {
		for _, fw := range flagWords {
			if strings.EqualFold(w, fw.word) {
				f |= fw.f
			}
		}
	}
	return f
}

// imapFlags writes f as "\Seen \Flagged".
func imapFlags(f store.Flags) string {
	var w []string
	for _, fw := range flagWords {
		if f&fw.f != 0 {
			w = append(w, fw.word)
		}
	}
	return strings.Join(w, " ")
}
