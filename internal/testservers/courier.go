package testservers

import (
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Courier's programs in the unpacked tree (under /usr once mounted).
var courierPrograms = []string{"usr/sbin/couriertcpd", "usr/lib/courier/courier/imaplogin",
	"usr/bin/imapd", "usr/bin/couriertls", "usr/lib/courier/courier-authlib/authdaemond",
	"usr/lib/courier/courier-authlib/makedatprog", "usr/libexec/gam_server"}

// Courier's paths are compiled in (/etc/courier, /run/courier, modules
// below /usr/lib/courier-authlib), so its instance gets a private /etc
// (DIR/etc over the real one) and /run. The environment of couriertcpd
// is what Debian's /etc/courier/imapd and imapd-ssl would set.
const courierAuthdaemonrc = `authmodulelist="authuserdb"
daemons=2
authdaemonvar=/run/courier/authdaemon
DEBUG_LOGIN=0
DEFAULTOPTIONS=""
LOGGEROPTS=""
`

// courierRun is run.sh, the namespace's init. makedatprog (what
// makeuserdb runs) compiles the userdb before /etc is mounted over;
// imapd starts gam_server (FAM), one per instance by GAM_CLIENT_ID.
const courierRun = `mount -t overlay overlay -o "lowerdir=$ROOT/usr:/usr" /usr
mdp=/usr/lib/courier/courier-authlib/makedatprog
$mdp - "$DIR/etc/courier/userdb.tmp" "$DIR/etc/courier/userdb.dat" < "$DIR/userdb"
$mdp - "$DIR/etc/courier/userdbshadow.tmp" "$DIR/etc/courier/userdbshadow.dat" < "$DIR/userdbshadow"
chmod 600 "$DIR/etc/courier/userdbshadow.dat"
mount -t overlay overlay -o "lowerdir=$DIR/etc:/etc" /etc
mount -t tmpfs tmpfs /run
mkdir -p /run/courier/authdaemon
/usr/lib/courier/courier-authlib/authdaemond > "$DIR/authdaemond.log" 2>&1 &
while [ ! -S /run/courier/authdaemon/socket ]; do sleep 0.005; done
set -a
IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE"
IMAP_CAPABILITY_TLS="$IMAP_CAPABILITY AUTH=PLAIN"
IMAP_KEYWORDS=1
IMAP_ACL=1
IMAP_USELOCKS=1
IMAP_UMASK=022
IMAP_TRASHFOLDERNAME=Trash
IMAP_MAILBOX_SANITY_CHECK=1
IMAP_STARTTLS=YES
IMAP_TLS_REQUIRED=0
COURIERTLS=/usr/bin/couriertls
TLS_CERTFILE=/etc/courier/imapd.pem
TLS_VERIFYPEER=NONE
MAILDIRPATH=Maildir
GAM_CLIENT_ID={{INSTANCE}}
set +a
tcpd="/usr/sbin/couriertcpd -address=127.0.0.1 -maxprocs=100 -maxperip=100 -nodnslookup -noidentlookup"
$tcpd -stderr="$DIR/imapd.log" "$PORT" /usr/lib/courier/courier/imaplogin /usr/bin/imapd Maildir &
IMAP_TLS=1 $tcpd -stderr="$DIR/imapd-ssl.log" "$TLSPORT" /usr/bin/couriertls -server -tcpd -user=courier \
  /usr/lib/courier/courier/imaplogin /usr/bin/imapd Maildir &
wait
`

// prepareCourier writes the private /etc, the userdb sources and the
// users' Maildirs.
func (s *Server) prepareCourier(own owner) error {
	passwd, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return fmt.Errorf("courier: %w", err)
	}
	cert, err1 := os.ReadFile(filepath.Join(s.Dir, "cert.pem"))
	key, err2 := os.ReadFile(filepath.Join(s.Dir, "key.pem"))
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("courier: %w", err)
	}
	var userdb, shadow strings.Builder
	for _, u := range s.Users {
		if err := os.MkdirAll(filepath.Join(s.Dir, "home"), 0o755); err != nil {
			return fmt.Errorf("courier: %w", err)
		}
		home := filepath.Join(s.Dir, "home", u.Name)
		for _, d := range []string{"", "Maildir", "Maildir/cur", "Maildir/new", "Maildir/tmp"} {
			p := filepath.Join(home, d)
			if err := os.MkdirAll(p, 0o700); err != nil {
				return fmt.Errorf("courier: %w", err)
			}
			if err := os.Chown(p, own.uid, own.gid); err != nil {
				return fmt.Errorf("courier: %w", err)
			}
		}
		fmt.Fprintf(&userdb, "%s\tuid=%d|gid=%d|home=%s|mail=%s\n", u.Name, own.uid, own.gid, home, filepath.Join(home, "Maildir"))
		sum := sha512.Sum512([]byte(u.Password))
		fmt.Fprintf(&shadow, "%s\tsystempw={SHA512}%s\n", u.Name, base64.StdEncoding.EncodeToString(sum[:]))
	}
	userdb.WriteString(".\n") // makedatprog's end of input
	shadow.WriteString(".\n")
	// imaplogin looks up "courier" before STARTTLS and couriertls runs as
	// it: give the private /etc/passwd that account, as MailAccount.
	passwd = fmt.Appendf(passwd, "courier:x:%d:%d:courier:/nonexistent:/usr/sbin/nologin\n", own.uid, own.gid)
	r := strings.NewReplacer("{{INSTANCE}}", filepath.Base(s.Dir))
	if err := writeFiles(s.Dir, map[string]string{
		"etc/passwd":               string(passwd),
		"etc/courier/authdaemonrc": courierAuthdaemonrc,
		"userdb":                   userdb.String(),
		"userdbshadow":             shadow.String(),
		"run.sh":                   r.Replace(courierRun),
	}); err != nil {
		return fmt.Errorf("courier: %w", err)
	}
	// couriertls wants key and certificate in one file.
	pem := filepath.Join(s.Dir, "etc/courier/imapd.pem")
	if err := os.WriteFile(pem, append(key, cert...), 0o600); err != nil {
		return fmt.Errorf("courier: %w", err)
	}
	return os.Chown(pem, own.uid, own.gid)
}
