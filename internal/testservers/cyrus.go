package testservers

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Cyrus's programs in the unpacked tree (under /usr once mounted).
var cyrusPrograms = []string{"usr/lib/cyrus/bin/master", "usr/lib/cyrus/bin/imapd",
	"usr/lib/cyrus/bin/ctl_cyrusdb", "usr/sbin/saslpasswd2"}

func (k Kind) programs() []string {
	if k == Cyrus {
		return cyrusPrograms
	}
	return courierPrograms
}

// cyrusConf is imapd.conf. Debian's namespace defaults (INBOX.x, '.')
// are kept explicitly; servername is the SASL realm saslpasswd2 -u
// stores the users under; autocreate_quota creates INBOX at the first
// login; cyrus_user lets master run without a "cyrus" account.
const cyrusConf = `# Written by github.com/mailsync/mailsync/internal/testservers. Private test instance.
configdirectory: {{DIR}}/cyrus/lib
proc_path: {{DIR}}/cyrus/run/proc
mboxname_lockpath: {{DIR}}/cyrus/run/lock
defaultpartition: default
partition-default: {{DIR}}/cyrus/spool
lmtpsocket: {{DIR}}/cyrus/run/lmtp
idlesocket: {{DIR}}/cyrus/run/idle
notifysocket: {{DIR}}/cyrus/run/notify
servername: localhost
altnamespace: no
unixhierarchysep: no
autocreate_quota: 0
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: {{DIR}}/cyrus/sasldb2
sasl_mech_list: PLAIN LOGIN
tls_server_cert: {{DIR}}/cyrus/cert.pem
tls_server_key: {{DIR}}/cyrus/key.pem
cyrus_user: {{USER}}
syslog_prefix: mailsync-cyrus
munge8bit: {{MUNGE}}
`

// cyrusMasterConf is cyrus.conf: recovery at start, then the two IMAP
// services on loopback. cmd= paths must be absolute.
const cyrusMasterConf = `START {
  recover cmd="/usr/lib/cyrus/bin/ctl_cyrusdb -C {{DIR}}/imapd.conf -r"
}
SERVICES {
  imap  cmd="/usr/lib/cyrus/bin/imapd -C {{DIR}}/imapd.conf" listen="127.0.0.1:{{PORT}}" prefork=0 maxchild=100
  imaps cmd="/usr/lib/cyrus/bin/imapd -s -C {{DIR}}/imapd.conf" listen="127.0.0.1:{{TLSPORT}}" prefork=0 maxchild=100
}
EVENTS {
}
`

// cyrusRun is run.sh, the namespace's init: mount the tree, store the
// users' passwords, hand the state to the mail account, run master. The
// shell stays the init: master drops to the mail account, which clears
// a parent-death signal, and the namespace ends only with its init.
const cyrusRun = `mount -t overlay overlay -o "lowerdir=$ROOT/usr:/usr" /usr
while read -r name pass; do
  printf '%s' "$pass" | /usr/sbin/saslpasswd2 -p -c -u localhost -f "$DIR/cyrus/sasldb2" "$name"
done < "$DIR/users"
chown -R {{UID}}:{{GID}} "$DIR/cyrus"
/usr/lib/cyrus/bin/master -C "$DIR/imapd.conf" -M "$DIR/cyrus.conf" -p "$DIR/cyrus/run/master.pid" &
wait
`

// prepareCyrus writes the configuration for the current ports.
func (s *Server) prepareCyrus(own owner) error {
	for _, d := range []string{"cyrus/lib", "cyrus/spool", "cyrus/run/proc", "cyrus/run/lock"} {
		if err := os.MkdirAll(filepath.Join(s.Dir, d), 0o755); err != nil {
			return fmt.Errorf("cyrus: %w", err)
		}
	}
	for _, f := range []string{"cert.pem", "key.pem"} {
		data, err := os.ReadFile(filepath.Join(s.Dir, f))
		if err != nil {
			return fmt.Errorf("cyrus: %w", err)
		}
		if err := os.WriteFile(filepath.Join(s.Dir, "cyrus", f), data, 0o600); err != nil {
			return fmt.Errorf("cyrus: %w", err)
		}
	}
	r := strings.NewReplacer("{{DIR}}", s.Dir, "{{PORT}}", fmt.Sprint(s.port),
		"{{TLSPORT}}", fmt.Sprint(s.tlsPort), "{{USER}}", MailAccount,
		"{{UID}}", fmt.Sprint(own.uid), "{{GID}}", fmt.Sprint(own.gid),
		"{{MUNGE}}", map[bool]string{false: "yes", true: "no"}[s.opt.KeepEightBit])
	var users strings.Builder
	for _, u := range s.Users {
		fmt.Fprintf(&users, "%s %s\n", u.Name, u.Password)
	}
	return writeFiles(s.Dir, map[string]string{
		"imapd.conf": r.Replace(cyrusConf),
		"cyrus.conf": r.Replace(cyrusMasterConf),
		"run.sh":     r.Replace(cyrusRun),
		"users":      users.String(),
	})
}

// writeFiles writes name -> content below dir.
func writeFiles(dir string, files map[string]string) error {
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	return nil
}
