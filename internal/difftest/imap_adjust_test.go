package difftest

import (
	"fmt"
	"strings"
)

// This file holds the adjustments (doc/design/decisions.md) of the IMAP
// scenarios. The login lines (doc/design/decisions.md#d15-login-lines) are
// handled for every IMAP step by imapExt.Normalize.

// fromText is the -m from part of a test message by Alice.
func fromText(subj string) string {
	return fmt.Sprintf("Mon Jan  1 %-22s %-27s", "Alice", subj)
}

// addPath adds a path to want's file list, in the walk's order.
func addPath(want *Result, p string) {
	paths := want.Snap.Paths
	i := 0
	for i < len(paths) && paths[i] < p {
		i++
	}
	want.Snap.Paths = append(paths[:i], append([]string{p}, paths[i:]...)...)
}

// adjustLockDirD9: with an msinfo on a server the clone locks the channel with
// a file under ~/.mailsync.d/ (doc/design/decisions.md#d9-msinfo-safety); the
// directory stays.
func adjustLockDirD9(_, want *Result) { addPath(want, ".mailsync.d/") }

// dropSubjects removes, from every mailbox of want, the messages with
// the given subjects, and their ids <SUBJ@x> from the msinfo entries.
func dropSubjects(want *Result, subjects ...string) {
	gone := map[string]bool{}
	for _, s := range subjects {
		gone[s] = true
	}
	for _, b := range want.Snap.Boxes {
		msgs := b.Msgs[:0]
		for _, m := range b.Msgs {
			if !gone[m.field("Subject")] {
				msgs = append(msgs, m)
			}
		}
		b.Msgs = msgs
	}
	dropIDs := func(body string) string {
		for _, s := range subjects {
			body = strings.ReplaceAll(body, "<"+s+"@x>\n", "")
		}
		return body
	}
	for _, e := range want.Snap.Msinfo {
		for ch, body := range e {
			e[ch] = dropIDs(body)
		}
	}
	for k, b := range want.Snap.Boxes {
		if strings.HasPrefix(k, "{imap}") && want.Snap.Msinfo[k] != nil {
			for i := range b.Msgs {
				b.Msgs[i].Body = dropIDs(b.Msgs[i].Body)
			}
		}
	}
}

// adjustD6deletions: 5.2.7 reads the box names of an msinfo on a server
// with a CR, finds no lasttime and copies each message deleted on one
// side back from the other; the clone reads the msinfo as it wrote it
// and deletes them, exactly as 5.2.7 does with a local msinfo
// (imap-sync-deletions, step 2). Plus the lock directory
// (doc/design/decisions.md#d9-msinfo-safety).
func adjustD6deletions(before, want *Result) {
	adjustLockDirD9(before, want)
	replaceOut(want, "  copied     ->  "+fromText("gone-srv")+"\n  copied     <-  "+fromText("gone-loc")+"\n\n"+
		"1 copied l->r.\n1 copied r->l.\n3 messages remain in INBOX\n",
		"\n1 messages remain in INBOX\n  deleted    <   "+fromText("gone-srv")+"\n  deleted    >   "+fromText("gone-loc")+"\n"+
			"Expunged 1 mail in store l\nExpunged 1 mail in store r\n")
	dropSubjects(want, "gone-srv", "gone-loc")
}

// adjustD6after: the run after adjustD6deletions: 5.2.7 still has the
// two messages it copied back, the clone only the one kept.
func adjustD6after(before, want *Result) {
	adjustLockDirD9(before, want)
	replaceOut(want, "INBOX: \n3 remain.\n", "INBOX: \n1 remains.\n")
	dropSubjects(want, "gone-srv", "gone-loc")
}

// adjustCourierD8: the local INBOX is a file, so the box INBOX/work of a
// Courier-style server cannot be created locally. 5.2.7 skips it silently
// (doc/design/behaviour.md#box-pairing) and exits 0; the clone reports the
// failure and exits 1 (doc/design/decisions.md#d8-exit-status: a box that could
// not be created is failed work; it is no directory-only box).
func adjustCourierD8(_, want *Result) {
	want.Exit = 1
	want.Stderr += "Error: Couldn't create mailbox mail/INBOX/work in store l: create mail/INBOX/work: mkdir ROOT/home/mail/INBOX: not a directory\n"
}

// adjustNoRefD10: c-client lists a server only for a remote reference or
// pattern, so a store with a server but no ref lists nothing; 5.2.7 then cannot
// learn the delimiter and aborts (doc/design/behaviour.md#hierarchy-delimiter).
// The clone's store has no boxes (doc/design/decisions.md#d10-no-crashes): the
// banner, the login (5.2.7 logs in before listing, but its buffered stdout is
// lost in the abort) and nothing else, exit 0.
func adjustNoRefD10(before, want *Result) {
	if !strings.Contains(want.Stderr, "Assertion `0' failed.") {
		want.Stderr += "[harness: expected 5.2.7 to abort]\n"
		return
	}
	want.Stdout, want.Exit = "Listing store \"r\"\n"+authLine, 1
	srv := ""
	if cfg := before.Snap.Files[".mailsync"]; strings.Contains(cfg, "server ") {
		srv = strings.Fields(cfg[strings.Index(cfg, "server ")+len("server "):])[0]
	}
	want.Stderr = "Error: store r has a server, but neither its ref nor its pat names it, so it lists no mailboxes " +
		"(mailsync 5.2.7 aborts here); add the line \"ref " + srv + "\" to the store\n"
}

// tlsFailure is 5.2.7's STARTTLS failure (TLS 1.0 only).
const tlsFailure = "Error: TLS/SSL failure for 127.0.0.1: SSL negotiation failed\n"

// adjustStartTLSD11: with /novalidate-cert the clone's STARTTLS
// (TLS 1.2+) succeeds where 5.2.7's fails: it lists the store like a
// /notls one.
func adjustStartTLSD11(_, want *Result) {
	if !strings.HasPrefix(want.Stderr, tlsFailure) {
		want.Stderr += "[harness: expected 5.2.7's TLS failure]\n"
		return
	}
	want.Stdout, want.Stderr, want.Exit = "Listing store \"t\"\n"+authLine+"INBOX\nwork\n", "", 0
}

// adjustStartTLSVerifyD11: without /novalidate-cert the clone's STARTTLS checks
// the certificate against the system roots (doc/design/decisions.md#d11-tls),
// which do not hold the test CA; it fails with c-client's wording for that case
// (as for /ssl in imap-badcert) instead of 5.2.7's TLS failure.
func adjustStartTLSVerifyD11(_, want *Result) {
	if !strings.HasPrefix(want.Stderr, tlsFailure) {
		want.Stderr += "[harness: expected 5.2.7's TLS failure]\n"
		return
	}
	want.Stderr = "Error: Certificate failure for 127.0.0.1: unable to get local issuer certificate: /O=mailsync tests/CN=127.0.0.1\n" +
		strings.TrimPrefix(want.Stderr, tlsFailure)
}
