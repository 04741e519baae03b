// Package dovecot runs private, real Dovecot IMAP servers on 127.0.0.1 for
// tests and benchmarks. It owns everything about them but installing: the
// Debian package dovecot-imapd and the mail account are scripts/setup.sh's
// business (the package never runs apt-get or useradd). It owns a
// self-contained configuration, a test CA and
// server certificate made in Go, free ports, startup checks, bulk-loading
// mail, and stopping.
//
// In a test:
//
//	s := dovecot.Start(t, dovecot.Options{Delim: '.'}) // stopped in t.Cleanup
//	c, err := imapclient.DialInsecure(s.Addr(), nil)   // STARTTLS offered
//	c, err = imapclient.DialTLS(s.TLSAddr(), &imapclient.Options{TLSConfig: s.TLSConfig()})
//	err = c.Login(s.User, s.Password).Wait()
//	err = s.LoadMessages(ctx, "work", msgs)          // files + doveadm force-resync
//	out, err := s.Doveadm(ctx, "mailbox", "list", "-u", s.User)
//
// Start skips the test when Dovecot is missing or cannot be started, unless
// MAILSYNC_REQUIRE_DOVECOT=1 (RequireEnv), which makes that a failure (CI
// sets it). A package with many tests should share one server per Options
// with Shared and call StopShared from TestMain after m.Run. Starting a
// server takes about 50-100 ms on an idle machine; stopping it about 1.1 s,
// because the Dovecot 2.3 master sleeps a second after signalling its
// children. Benchmarks and scripts use Launch and Stop, or the command
// cmd/dovecot-test-server.
//
// Each server lives in its own directory (a new temporary one unless
// Launch is given one) holding dovecot.conf, its base_dir (master.pid,
// sockets), state_dir, logs (dovecot.log; start.log for the master's own
// output), ca.pem/cert.pem/key.pem, the passwd-file "users" and the users'
// homes home/NAME with mail in home/NAME/Maildir (Maildir++: INBOX is the
// Maildir itself, folder a<delim>b is .a.b). Its instance_name, base_dir
// and ports are unique, so any number of servers may run at once, in one
// process or in test binaries running in parallel.
//
// The configuration encodes what a private Dovecot 2.3 needs:
// it has no !include and is passed with -c to dovecot and every doveadm
// call; base_dir, state_dir, instance_name and log_path are private;
// listen = 127.0.0.1, protocols = imap; mail belongs to the system account
// MailAccount ("mailsync-dovecot", created by scripts/setup.sh),
// which first_valid_uid admits, with a home it owns below directories
// everyone may traverse; passdb and userdb are one passwd-file;
// disable_plaintext_auth = no with mechanisms plain and login; ssl = yes
// (not required) with ssl_cert = <file, ssl_key = <file and
// ssl_dh = </usr/share/dovecot/dh.pem, plus an imaps listener; an inbox
// namespace with separator '/' or '.' and optional prefix "INBOX.";
// mail_max_userip_connections from Options.MaxConnections. With
// Options.OAuth2URL it also accepts XOAUTH2 and OAUTHBEARER through an
// oauth2 passdb that asks a token introspection endpoint (ServeTokens
// serves one for tests); the passwd-file passdb then serves PLAIN and LOGIN
// only. The master runs
// in the foreground (dovecot -F) with stdin from /dev/null and
// stdout/stderr in start.log, so it never holds the caller's pipes; Launch
// returns only when the plain port greets and the TLS port completes a
// handshake verified against the test CA and greets; Stop sends SIGTERM to
// the pid in master.pid (our own child; never pkill), waits for the master
// to exit and the ports to close. Should the launching process die first,
// the master gets SIGTERM from the kernel (Linux parent-death signal).
//
// Not root: the server runs rootless as the current user (no chroot,
// internal and login users = the current user, mail owned by it), which
// works when Dovecot is installed; otherwise Start skips as above.
package dovecot
