package testservers

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

var kinds = []Kind{Cyrus, Courier}

// Every transport logs in; a folder made below INBOX lists with '.';
// a wrong password is refused.
func TestServerTransports(t *testing.T) {
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel() // a refused login takes Cyrus 3 s, Courier 5 s
			s := Start(t, k, Options{Users: []User{{"ann", "pw-1"}, {"bob", "pw-2"}}})
			dials := map[string]func() (*imapclient.Client, error){
				"plain": func() (*imapclient.Client, error) { return imapclient.DialInsecure(s.Addr(), nil) },
				"STARTTLS": func() (*imapclient.Client, error) {
					return imapclient.DialStartTLS(s.Addr(), &imapclient.Options{TLSConfig: s.TLSConfig()})
				},
				"IMAPS": func() (*imapclient.Client, error) {
					return imapclient.DialTLS(s.TLSAddr(), &imapclient.Options{TLSConfig: s.TLSConfig()})
				},
			}
			for how, dial := range dials {
				for _, u := range s.Users {
					c, err := dial()
					if err != nil {
						t.Fatalf("%s: %v", how, err)
					}
					if err := c.Login(u.Name, u.Password).Wait(); err != nil {
						t.Errorf("%s: login %s: %v", how, u.Name, err)
					}
					c.Close()
				}
			}
			c, err := imapclient.DialInsecure(s.Addr(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Login(s.User, "wrong").Wait(); err == nil {
				t.Errorf("login with a wrong password succeeded")
			}
			c2, err := imapclient.DialInsecure(s.Addr(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			if err := c2.Login(s.User, s.Password).Wait(); err != nil {
				t.Fatal(err)
			}
			if err := c2.Create(s.Prefix+"a", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			list, err := c2.List("", "*", nil).Collect()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, l := range list {
				names = append(names, l.Mailbox)
				if l.Delim != rune(s.Delim) {
					t.Errorf("%s: delimiter %q, want %q", l.Mailbox, l.Delim, s.Delim)
				}
			}
			if strings.Join(names, " ") != "INBOX INBOX.a" && strings.Join(names, " ") != "INBOX.a INBOX" {
				t.Errorf("LIST: %v", names)
			}
		})
	}
}

// Stop ends every process of the instance and removes its directory.
func TestStopEndsEverything(t *testing.T) {
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			s, err := Launch(t.Context(), k, Options{})
			if err != nil {
				unavailable(t, err)
			}
			c, err := imapclient.DialInsecure(s.Addr(), nil)
			if err == nil { // a session: imapd (and Courier's gam_server) run
				_ = c.Login(s.User, s.Password).Wait()
				_, _ = c.Select("INBOX", nil).Wait()
			}
			procs := namespaceProcs(t, s)
			if len(procs) < 2 {
				t.Errorf("processes in the namespace: %v, want the server's", procs)
			}
			if err := s.Stop(); err != nil {
				t.Fatal(err)
			}
			if c != nil {
				c.Close()
			}
			for _, p := range procs {
				if st, err := os.ReadFile("/proc/" + p + "/stat"); err == nil && !strings.Contains(string(st), ") Z ") {
					t.Errorf("process %s survived Stop: %s", p, st)
				}
			}
			if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
				t.Errorf("%s still exists: %v", s.Dir, err)
			}
		})
	}
}

// namespaceProcs lists the pids in the pid namespace of s.
func namespaceProcs(t *testing.T, s *Server) []string {
	t.Helper()
	kids, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/task/" + strconv.Itoa(s.cmd.Process.Pid) + "/children")
	if err != nil {
		t.Fatal(err)
	}
	init := strings.TrimSpace(string(kids))
	ns, err := os.Readlink("/proc/" + init + "/ns/pid")
	if err != nil {
		t.Fatal(err)
	}
	all, _ := filepath.Glob("/proc/[0-9]*/ns/pid")
	var pids []string
	for _, f := range all {
		if l, err := os.Readlink(f); err == nil && l == ns {
			pids = append(pids, strings.Split(f, "/")[2])
		}
	}
	return pids
}

// BenchmarkLaunch measures Launch until both ports greet; Stop is not
// timed.
func BenchmarkLaunch(b *testing.B) {
	for _, k := range kinds {
		b.Run(string(k), func(b *testing.B) {
			for b.Loop() {
				s, err := Launch(context.Background(), k, Options{})
				if err != nil {
					unavailable(b, err)
				}
				b.StopTimer()
				if err := s.Stop(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// Cyrus's default munge8bit replaces raw 8-bit header bytes by 'X' on
// APPEND (an 8-bit Message-ID changes, doc/troubleshooting.md);
// KeepEightBit turns it off.
func TestCyrusMunges8bit(t *testing.T) {
	msg := "Message-ID: <caf\xe9@example.org>\r\nSubject: caf\xe9\r\n\r\nna\xefve\r\n"
	for _, keep := range []bool{false, true} {
		s := Start(t, Cyrus, Options{KeepEightBit: keep})
		c, err := imapclient.DialInsecure(s.Addr(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Login(s.User, s.Password).Wait(); err != nil {
			t.Fatal(err)
		}
		cmd := c.Append("INBOX", int64(len(msg)), nil)
		if _, err := cmd.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		sect := &goimap.FetchItemBodySection{Peek: true}
		msgs, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{BodySection: []*goimap.FetchItemBodySection{sect}}).Collect()
		if err != nil || len(msgs) != 1 {
			t.Fatalf("fetch: %v (%d messages)", err, len(msgs))
		}
		got := string(msgs[0].FindBodySection(sect))
		want := msg
		if !keep {
			want = "Message-ID: <cafX@example.org>\r\nSubject: cafX\r\n\r\nna\xefve\r\n"
		}
		if got != want {
			t.Errorf("KeepEightBit %v: stored %q, want %q", keep, got, want)
		}
	}
}
