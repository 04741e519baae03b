package dovecot

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

// dhFile is Debian's Diffie-Hellman parameter file. It is used
// when present; the ECDSA certificate works without it.
const dhFile = "/usr/share/dovecot/dh.pem"

// layout names every file and directory of one instance. Everything is
// below dir except, for long dir paths, base_dir (unix socket paths are
// limited to 107 bytes).
type layout struct {
	dir      string // the instance directory
	baseDir  string // base_dir: sockets, master.pid
	stateDir string // state_dir
	homes    string // parent of the users' homes
	config   string // dovecot.conf, given to dovecot and doveadm with -c
	log      string // log_path
	startLog string // the master's own stdout and stderr
	users    string // the passwd-file
	caFile   string
	certFile string
	keyFile  string
	ownBase  bool // baseDir is outside dir and removed separately
	ownDir   bool // dir was made by Launch and is removed by Stop
	instance string
}

func newLayout(dir, baseDir string) layout {
	return layout{
		dir:      dir,
		baseDir:  baseDir,
		stateDir: filepath.Join(dir, "state"),
		homes:    filepath.Join(dir, "home"),
		config:   filepath.Join(dir, "dovecot.conf"),
		log:      filepath.Join(dir, "dovecot.log"),
		startLog: filepath.Join(dir, "start.log"),
		users:    filepath.Join(dir, "users"),
		caFile:   filepath.Join(dir, "ca.pem"),
		certFile: filepath.Join(dir, "cert.pem"),
		keyFile:  filepath.Join(dir, "key.pem"),
		instance: "mailsync-" + filepath.Base(dir),
	}
}

// safePath reports whether p can be written into dovecot.conf unquoted
// and used as a passwd-file field.
func safePath(p string) bool {
	for _, r := range p {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune("/._-+,@=", r)
		if !ok {
			return false
		}
	}
	return p != ""
}

// confData feeds confTemplate.
type confData struct {
	Instance, BaseDir, StateDir, Log, Users, Cert, Key, DH string
	Rootless                                               bool
	User, Group                                            string
	UID                                                    int
	Port, TLS                                              int
	Sep, Prefix                                            string
	MaxConns, ProcessLimit, ClientLimit                    int
	Capability                                             string
	OAuth2                                                 string // oauth2.conf.ext, or ""
	Mbox                                                   bool
}

// confTemplate is a complete, self-contained configuration (no !include),
// encoding what the package comment lists.
var confTemplate = template.Must(template.New("dovecot.conf").Parse(`# Written by github.com/mailsync/mailsync/internal/dovecot. Private test instance.
instance_name = {{.Instance}}
base_dir = {{.BaseDir}}
state_dir = {{.StateDir}}
log_path = {{.Log}}
# The greeting names the instance, so startup checks cannot mistake
# another server on a reused port for this one.
login_greeting = Dovecot ready ({{.Instance}}).
auth_verbose = yes

protocols = imap
listen = 127.0.0.1
{{- if .Rootless}}

# Rootless: every process runs as the invoking user; no chroot.
default_internal_user = {{.User}}
default_internal_group = {{.Group}}
default_login_user = {{.User}}
service anvil {
  chroot =
}
{{- end}}
default_process_limit = {{.ProcessLimit}}
default_client_limit = {{.ClientLimit}}

# Mail belongs to an unprivileged uid; allow exactly it.
first_valid_uid = {{.UID}}
last_valid_uid = 0
first_valid_gid = 1
{{- if .Mbox}}
# mbox files under ~/mail, INBOX ~/mail/inbox, locked as mutt and c-client lock.
mail_location = mbox:~/mail:INBOX=~/mail/inbox
mbox_write_locks = dotlock fcntl
{{- else}}
mail_location = maildir:~/Maildir
{{- end}}

namespace inbox {
  inbox = yes
  separator = {{.Sep}}
  prefix = {{.Prefix}}
  list = yes
}

disable_plaintext_auth = no
{{- if .OAuth2}}
auth_mechanisms = plain login xoauth2 oauthbearer
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = {{.Users}}
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {{.OAuth2}}
}
{{- else}}
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = {{.Users}}
}
{{- end}}
userdb {
  driver = passwd-file
  args = {{.Users}}
}

ssl = yes
ssl_cert = <{{.Cert}}
ssl_key = <{{.Key}}
{{- if .DH}}
ssl_dh = <{{.DH}}
{{- end}}

service imap-login {
{{- if .Rootless}}
  chroot =
{{- end}}
  inet_listener imap {
    port = {{.Port}}
  }
  inet_listener imaps {
    port = {{.TLS}}
    ssl = yes
  }
}

protocol imap {
  mail_max_userip_connections = {{.MaxConns}}
{{- if .Capability}}
  imap_capability = {{.Capability}}
{{- end}}
}
`))

// writeConfig writes dovecot.conf for the given ports.
func writeConfig(l layout, opt Options, owner mailOwner, port, tlsPort int) error {
	d := confData{
		Instance: l.instance, BaseDir: l.baseDir, StateDir: l.stateDir,
		Log: l.log, Users: l.users, Cert: l.certFile, Key: l.keyFile,
		Rootless: owner.rootless, User: owner.user, Group: owner.group, UID: owner.uid,
		Port: port, TLS: tlsPort,
		Sep: string(opt.Delim), Prefix: opt.prefix(),
		MaxConns: opt.MaxConnections, Capability: opt.Capability,
		Mbox: opt.Mbox,
	}
	// Each session may hold an imap-login process (the TLS proxy) and an
	// imap process.
	d.ProcessLimit = max(100, opt.MaxConnections*len(opt.Users)+16)
	d.ClientLimit = max(1000, 2*d.ProcessLimit)
	if _, err := os.Stat(dhFile); err == nil {
		d.DH = dhFile
	}
	if opt.OAuth2URL != "" {
		d.OAuth2 = filepath.Join(l.dir, "oauth2.conf.ext")
		if err := writeOAuth2(d.OAuth2, opt.OAuth2URL); err != nil {
			return err
		}
	}
	var b strings.Builder
	if err := confTemplate.Execute(&b, d); err != nil {
		return fmt.Errorf("render dovecot.conf: %w", err)
	}
	if err := os.WriteFile(l.config, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", l.config, err)
	}
	return nil
}

// writeUsers writes the passwd-file: user:{PLAIN}password:uid:gid::home::
// . Its passwords are in the clear, as everything here is a test.
func writeUsers(l layout, users []User, owner mailOwner) error {
	var b strings.Builder
	for _, u := range users {
		fmt.Fprintf(&b, "%s:{PLAIN}%s:%d:%d::%s::\n", u.Name, u.Password, owner.uid, owner.gid, filepath.Join(l.homes, u.Name))
	}
	if err := os.WriteFile(l.users, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", l.users, err)
	}
	return nil
}
