package difftest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Box is one mailbox found in a home directory: an mbox file or an MH folder.
type Box struct {
	MH   bool
	Msgs []Msg
}

// Snapshot is the semantic content of a home directory (and of the
// scenario's IMAP account, see imapExt.Snap: boxes "{imap}NAME").
type Snapshot struct {
	Paths   []string                     // every path below HOME, "dir/" or "file MODE"
	Boxes   map[string]*Box              // mbox files and MH folders by relative path
	Files   map[string]string            // other regular files (configuration, text files)
	Msinfo  map[string]map[string]string // msinfo path -> channel -> entry body
	Folders []string                     // outside state: IMAP folders with attributes (Scenario.Ext)
}

// mhRoot returns the MH root (relative to home) named by ~/.mh_profile, or "".
func mhRoot(home string) string {
	data, err := os.ReadFile(filepath.Join(home, ".mh_profile"))
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "Path:"); ok {
			return filepath.Clean(strings.TrimSpace(v))
		}
	}
	return ""
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil && s[0] != '+' && s[0] != '-'
}

// takeSnapshot reads everything below home; msinfos are the msinfo paths.
func takeSnapshot(home string, msinfos []string) (*Snapshot, error) {
	s := &Snapshot{Boxes: map[string]*Box{}, Files: map[string]string{}, Msinfo: map[string]map[string]string{}}
	isMsinfo := map[string]bool{}
	for _, m := range msinfos {
		isMsinfo[m] = true
	}
	mh := mhRoot(home)
	inMH := func(rel string) bool {
		return mh != "" && (rel == mh || strings.HasPrefix(rel, mh+"/"))
	}
	err := filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(home, p)
		if rel == "." {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() && rel == ".cache" {
			// The clone's header caches (~/.cache/mailsync): a speed-up
			// outside every store, not behaviour; no scenario has others.
			return filepath.SkipDir
		}
		if d.IsDir() {
			s.Paths = append(s.Paths, rel+"/")
			if inMH(rel) {
				s.Boxes[rel] = &Box{MH: true}
			}
			return nil
		}
		s.Paths = append(s.Paths, fmt.Sprintf("%s %04o", rel, info.Mode().Perm()))
		if !info.Mode().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dir, name := filepath.Split(rel)
		dir = filepath.Clean(dir)
		switch {
		case isMsinfo[rel]:
			s.Msinfo[rel] = msinfoEntries(parseMbox(string(data)))
		case inMH(dir) && isNumber(name):
			n, _ := strconv.Atoi(name)
			msg := parseMessage(strings.SplitAfter(string(data), "\n"), "", info.ModTime().UTC().Format(time.ANSIC), true)
			b := s.Boxes[dir]
			b.Msgs = append(b.Msgs, msg)
			b.Msgs[len(b.Msgs)-1].Sender = strconv.Itoa(n)
		case isMbox(string(data)):
			s.Boxes[rel] = &Box{Msgs: parseMbox(string(data))}
		default:
			s.Files[rel] = string(data)
		}
		return nil
	})
	for _, b := range s.Boxes {
		if b.MH {
			sort.SliceStable(b.Msgs, func(i, j int) bool {
				x, _ := strconv.Atoi(b.Msgs[i].Sender)
				y, _ := strconv.Atoi(b.Msgs[j].Sender)
				return x < y
			})
			for i := range b.Msgs {
				b.Msgs[i].Sender = ""
			}
		}
	}
	return s, err
}

// msinfoEntries extracts the channel entries (messages From: mailsync...)
// of an msinfo mailbox; a channel with several entries is marked.
func msinfoEntries(msgs []Msg) map[string]string {
	out := map[string]string{}
	for _, m := range msgs {
		if !strings.HasPrefix(m.field("From"), "mailsync") {
			continue
		}
		ch := m.field("Subject")
		if _, dup := out[ch]; dup {
			out[ch] = "(several entries)"
			continue
		}
		out[ch] = m.Body
	}
	return out
}

// clone returns a deep copy of s.
func (s *Snapshot) clone() *Snapshot {
	c := &Snapshot{Paths: append([]string(nil), s.Paths...), Boxes: map[string]*Box{}, Files: map[string]string{}, Msinfo: map[string]map[string]string{},
		Folders: append([]string(nil), s.Folders...)}
	for k, b := range s.Boxes {
		nb := &Box{MH: b.MH}
		for _, m := range b.Msgs {
			m.Header = append([]string(nil), m.Header...)
			nb.Msgs = append(nb.Msgs, m)
		}
		c.Boxes[k] = nb
	}
	for k, v := range s.Files {
		c.Files[k] = v
	}
	for k, v := range s.Msinfo {
		e := map[string]string{}
		for ch, body := range v {
			e[ch] = body
		}
		c.Msinfo[k] = e
	}
	return c
}
