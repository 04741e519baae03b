package dovecot

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// styles are the namespace layouts tests run against.
var styles = []struct {
	name string
	opt  Options
}{
	{"slash", Options{}},
	{"courier", Options{Delim: '.'}},
	{"inbox-prefix", Options{InboxPrefix: true}},
}

func TestServerStyles(t *testing.T) {
	for _, st := range styles {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			s := Start(t, st.opt)
			checkTransports(t, s)
			checkListAndCreate(t, s)
			checkLoadMessages(t, s)
			checkStop(t, s)
		})
	}
}

func login(t *testing.T, c *imapclient.Client, err error, s *Server, how string) *imapclient.Client {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: dial: %v", how, err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(s.User, s.Password).Wait(); err != nil {
		t.Fatalf("%s: login as %s: %v", how, s.User, err)
	}
	return c
}

func checkTransports(t *testing.T, s *Server) {
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	login(t, c, err, s, "plain")
	if !c.Caps().Has(imap.CapIMAP4rev1) {
		t.Errorf("plain: capabilities %v lack IMAP4rev1", c.Caps())
	}

	c, err = imapclient.DialStartTLS(s.Addr(), &imapclient.Options{TLSConfig: s.TLSConfig()})
	login(t, c, err, s, "STARTTLS")

	// A tls.Config built from CAFile alone, as a client configured with a
	// CA file would do it.
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", s.CAFile)
	}
	c, err = imapclient.DialTLS(s.TLSAddr(), &imapclient.Options{TLSConfig: &tls.Config{RootCAs: pool}})
	login(t, c, err, s, "IMAPS")
	// localhost is in the certificate too.
	c, err = imapclient.DialTLS(s.TLSAddr(), &imapclient.Options{TLSConfig: &tls.Config{RootCAs: pool, ServerName: "localhost"}})
	login(t, c, err, s, "IMAPS as localhost")

	// Without the CA the certificate must not verify.
	var unknown x509.UnknownAuthorityError
	_, err = imapclient.DialTLS(s.TLSAddr(), nil)
	if !errors.As(err, &unknown) {
		t.Errorf("IMAPS without the CA: got %v, want x509.UnknownAuthorityError", err)
	}
	_, err = imapclient.DialStartTLS(s.Addr(), nil)
	if !errors.As(err, &unknown) {
		t.Errorf("STARTTLS without the CA: got %v, want x509.UnknownAuthorityError", err)
	}
}

func dial(t *testing.T, s *Server) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	return login(t, c, err, s, "plain")
}

func checkListAndCreate(t *testing.T, s *Server) {
	c := dial(t, s)
	d := string(s.Delim)
	nested := s.Prefix + "top" + d + "mid" + d + "leaf"
	if err := c.Create(nested, nil).Wait(); err != nil {
		t.Fatalf("CREATE %s: %v", nested, err)
	}
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Mailbox)
		if l.Delim != rune(s.Delim) {
			t.Errorf("LIST %s: delimiter %q, want %q", l.Mailbox, l.Delim, s.Delim)
		}
	}
	for _, want := range []string{"INBOX", nested} {
		if !slices.Contains(names, want) {
			t.Errorf("LIST * = %q, want %q in it", names, want)
		}
	}
	if st, err := os.Stat(filepath.Join(s.MaildirPath(nested), "cur")); err != nil || !st.IsDir() {
		t.Errorf("MaildirPath(%q) = %s: no cur/ there: %v", nested, s.MaildirPath(nested), err)
	}
	if want := filepath.Join(s.Home, "Maildir", ".top.mid.leaf"); s.MaildirPath(nested) != want {
		t.Errorf("MaildirPath(%q) = %s, want %s", nested, s.MaildirPath(nested), want)
	}
}

var flagLetters = map[rune]imap.Flag{
	'D': imap.FlagDraft, 'F': imap.FlagFlagged, 'R': imap.FlagAnswered,
	'S': imap.FlagSeen, 'T': imap.FlagDeleted,
}

func checkLoadMessages(t *testing.T, s *Server) {
	const n = 1000
	folder := s.Prefix + "bulk" + string(s.Delim) + "sub"
	base := time.Date(2020, 2, 3, 4, 5, 6, 0, time.UTC)
	flagSets := []string{"", "S", "RS", "FT", "DS"}
	msgs := make([]Message, n)
	for i := range msgs {
		msgs[i] = Message{
			Raw: []byte(fmt.Sprintf("From: a@example.org\nSubject: m%d\nX-Seq: %d\n\nbody %d\n", i, i, i)),
			// Dates out of order, so the UID order is not the date order.
			Time:  base.Add(time.Duration((i*7919)%n) * time.Minute),
			Flags: flagSets[i%len(flagSets)],
		}
	}
	t0 := time.Now()
	if err := s.LoadMessages(t.Context(), folder, msgs); err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadMessages(%d) took %v", n, time.Since(t0))

	c := dial(t, s)
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("SELECT %s: %v", folder, err)
	}
	if sel.NumMessages != n {
		t.Fatalf("SELECT %s: %d messages, want %d", folder, sel.NumMessages, n)
	}
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"X-Seq"}, Peek: true}
	var all imap.SeqSet
	all.AddRange(1, n)
	fetched, err := c.Fetch(all, &imap.FetchOptions{Flags: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		t.Fatalf("FETCH: %v", err)
	}
	if len(fetched) != n {
		t.Fatalf("FETCH 1:%d returned %d messages", n, len(fetched))
	}
	for _, m := range fetched {
		var seq int
		hdr := strings.TrimSpace(string(m.FindBodySection(section)))
		if _, err := fmt.Sscanf(hdr, "X-Seq: %d", &seq); err != nil {
			t.Fatalf("message %d: header %q: %v", m.SeqNum, hdr, err)
		}
		if seq != int(m.SeqNum)-1 {
			t.Fatalf("message %d is msgs[%d]: UIDs do not follow the order of msgs", m.SeqNum, seq)
		}
		var want []imap.Flag
		for _, r := range msgs[seq].Flags {
			want = append(want, flagLetters[r])
		}
		got := slices.DeleteFunc(slices.Clone(m.Flags), func(f imap.Flag) bool { return f == "\\Recent" })
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("message %d: flags %v, want %v (%q)", m.SeqNum, got, want, msgs[seq].Flags)
		}
		if !m.InternalDate.Equal(msgs[seq].Time) {
			t.Errorf("message %d: INTERNALDATE %v, want %v", m.SeqNum, m.InternalDate, msgs[seq].Time)
		}
	}
}

func checkStop(t *testing.T, s *Server) {
	pid := s.PID()
	t0 := time.Now()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("Stop took %v", time.Since(t0))
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("master %d after Stop: kill -0 = %v, want ESRCH", pid, err)
	}
	for _, addr := range []string{s.Addr(), s.TLSAddr()} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Stop", addr)
		}
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("instance directory %s after Stop: %v, want it removed", s.Dir, err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}
