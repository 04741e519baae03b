package migrate

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// writeArchive writes the corpus as mbox files below dir: box "a/b" is
// the file dir/a/b. The inbox is written the way c-client (pine, 5.2.7)
// leaves a file, with its hidden pseudo message first and X-UID:,
// X-Keywords: and X-IMAPbase:-style headers; the other boxes the way
// mutt or an MDA writes them (Status: and X-Status: only).
func writeArchive(dir string, c *corpus) error {
	for _, box := range c.boxes {
		path := filepath.Join(dir, filepath.FromSlash(box))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		if err := writeMbox(path, c.msgs[box], box == boxInbox); err != nil {
			return err
		}
	}
	return nil
}

func writeMbox(path string, msgs []*message, cclient bool) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if cclient {
		fmt.Fprintf(w, "From MAILER-DAEMON %s\nDate: %s\nFrom: Mail System Internal Data <MAILER-DAEMON@migrate.test>\n"+
			"Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nMessage-ID: <%d@migrate.test>\n"+
			"X-IMAP: %010d %010d\nStatus: RO\n\n"+
			"This text is part of the internal format of your mail folder, and is not\n"+
			"a real message.  It is created automatically by the mail system software.\n"+
			"If deleted, important folder data will be lost, and it will be re-created\n"+
			"with the data reset to initial values.\n\n",
			baseDate.Format("Mon Jan _2 15:04:05 2006"), baseDate.Format("02 Jan 2006 15:04:05 -0700"),
			baseDate.Unix(), baseDate.Unix(), len(msgs))
	}
	for i, m := range msgs {
		if m.sep == "" && i != len(msgs)-1 {
			f.Close()
			return fmt.Errorf("archive %s: %s has no final line end but is not last", path, m.id)
		}
		w.WriteString(fromLine(m) + "\n")
		w.Write(m.text[:m.hdrEnd])
		w.WriteString(meta(m, i+1, cclient))
		w.Write(m.text[m.hdrEnd:])
		w.WriteString(m.sep)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("archive %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("archive %s: %w", path, err)
	}
	return nil
}

// fromLine is the message's From_ line: ctime-style date, in the
// message's zone, followed by the zone when it has one.
func fromLine(m *message) string {
	t := m.date.UTC()
	if z := m.zone; z != "" {
		// z is "+hhmm" or "-hhmm" (the zones table).
		off := (int(z[1]-'0')*10+int(z[2]-'0'))*3600 + (int(z[3]-'0')*10+int(z[4]-'0'))*60
		if z[0] == '-' {
			off = -off
		}
		t = m.date.In(time.FixedZone(z, off))
	}
	s := "From alice@example.org " + t.Format("Mon Jan _2 15:04:05 2006")
	if m.zone != "" {
		s += " " + m.zone
	}
	return s
}

// meta is the block of status headers the archive gives a message, with
// the message's own line end.
func meta(m *message, uid int, cclient bool) string {
	eol := m.sep
	if eol == "" {
		eol = "\n"
	}
	st := "O"
	if m.flags&store.Seen != 0 {
		st = "RO"
	}
	x := ""
	for _, f := range []struct {
		f store.Flags
		c string
	}{{store.Flagged, "F"}, {store.Answered, "A"}, {store.Draft, "T"}} {
		if m.flags&f.f != 0 {
			x += f.c
		}
	}
	s := "Status: " + st + eol
	if cclient {
		return s + "X-Status: " + x + eol + "X-Keywords:" + eol + fmt.Sprintf("X-UID: %d", uid) + eol
	}
	if x != "" {
		s += "X-Status: " + x + eol
	}
	return s
}
