package dovecot

import (
	"fmt"
	"strings"
)

// Options describe the server Launch starts. The zero value is a server
// with separator '/', no namespace prefix and one user "joe" with password
// "secret".
type Options struct {
	// Delim is the namespace separator, '/' or '.', which LIST reports as the
	// hierarchy delimiter. Zero means '.' when InboxPrefix is set and '/'
	// otherwise. With '.' and no InboxPrefix the server is "Courier-style"
	// (doc/design/behaviour.md#listing): INBOX plus top-level folders such as
	// "work", and "INBOX.work" is a child of INBOX.
	Delim byte
	// InboxPrefix puts every folder under the namespace prefix "INBOX"+Delim,
	// as Courier and Cyrus do: LIST shows INBOX, INBOX.work, INBOX.a.b.
	InboxPrefix bool
	// Users are the accounts the server accepts (passwd-file, plaintext
	// LOGIN and AUTHENTICATE PLAIN allowed). Empty means DefaultUser. The
	// first user is the Server's primary user.
	Users []User
	// MaxConnections is mail_max_userip_connections, the number of IMAP
	// sessions one user may hold from 127.0.0.1 at once. Zero means 64.
	MaxConnections int
	// OAuth2URL, when set, is an OAuth2 token introspection endpoint on
	// 127.0.0.1 (see ServeTokens): the server then also accepts
	// AUTHENTICATE XOAUTH2 and OAUTHBEARER, with tokens checked there
	// (an oauth2 passdb besides the passwd-file one).
	OAuth2URL string
	// Capability, when set, is the capability list the server announces
	// after login (imap_capability), to stand for a server without some
	// extension (LIST-STATUS, say); Dovecot still answers what it
	// supports.
	Capability string
	// Mbox keeps the users' mail in mbox files, Home/mail/FOLDER (INBOX
	// Home/mail/inbox), instead of Maildir: a second reader and writer
	// of the mbox files mailsync writes (ImportMbox).
	Mbox bool
}

// WithoutListStatus is a Capability: Dovecot's list without LIST-STATUS,
// a server with CONDSTORE that gives no status with its LIST (as some
// providers' servers).
const WithoutListStatus = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES " +
	"MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE " +
	"ESEARCH SEARCHRES WITHIN CONTEXT=SEARCH BINARY MOVE SPECIAL-USE LITERAL+ STATUS=SIZE"

// User is one IMAP account.
type User struct {
	Name     string
	Password string
}

// DefaultUser is the account a server has when Options.Users is empty.
var DefaultUser = User{Name: "joe", Password: "secret"}

const defaultMaxConnections = 64

// normalize returns opt with defaults filled in, or an error for options
// Dovecot cannot honour.
func (opt Options) normalize() (Options, error) {
	switch opt.Delim {
	case 0:
		opt.Delim = '/'
		if opt.InboxPrefix {
			opt.Delim = '.'
		}
	case '/', '.':
	default:
		return opt, fmt.Errorf("dovecot options: delimiter %q: want '/' or '.'", opt.Delim)
	}
	if len(opt.Users) == 0 {
		opt.Users = []User{DefaultUser}
	}
	seen := map[string]bool{}
	for _, u := range opt.Users {
		if err := u.validate(); err != nil {
			return opt, err
		}
		if seen[u.Name] {
			return opt, fmt.Errorf("dovecot options: user %q listed twice", u.Name)
		}
		seen[u.Name] = true
	}
	if opt.MaxConnections < 0 {
		return opt, fmt.Errorf("dovecot options: MaxConnections %d < 0", opt.MaxConnections)
	}
	if opt.MaxConnections == 0 {
		opt.MaxConnections = defaultMaxConnections
	}
	if opt.OAuth2URL != "" && (!strings.HasPrefix(opt.OAuth2URL, "http://127.0.0.1:") || strings.ContainsAny(opt.OAuth2URL, " \t\n\r\"#")) {
		return opt, fmt.Errorf("dovecot options: OAuth2URL %q: want an http://127.0.0.1:PORT/ URL", opt.OAuth2URL)
	}
	return opt, nil
}

// prefix is the inbox namespace prefix: "" or "INBOX"+Delim.
func (opt Options) prefix() string {
	if opt.InboxPrefix {
		return "INBOX" + string(opt.Delim)
	}
	return ""
}

// key identifies normalized options, for Shared.
func (opt Options) key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%c|%t|%d|%q|%q", opt.Delim, opt.InboxPrefix, opt.MaxConnections, opt.OAuth2URL, opt.Capability)
	for _, u := range opt.Users {
		fmt.Fprintf(&b, "|%q:%q", u.Name, u.Password)
	}
	return b.String()
}

// validate rejects names and passwords that cannot be written to a
// passwd-file line (user:{PLAIN}password:uid:gid::home::) or used as a
// directory name.
func (u User) validate() error {
	if u.Name == "" || u.Name == "." || u.Name == ".." ||
		strings.ContainsAny(u.Name, ":/\\\n\r\t *%\"'") {
		return fmt.Errorf("dovecot options: unusable user name %q", u.Name)
	}
	if u.Password == "" || strings.ContainsAny(u.Password, ":\n\r") {
		return fmt.Errorf("dovecot options: user %q: password must be non-empty without ':' or line breaks", u.Name)
	}
	return nil
}
