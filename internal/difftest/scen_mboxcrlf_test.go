package difftest

import "strings"

// mbox files written by other programs (doc/design/mbox.md): From_ lines ending
// in CRLF, files CRLF throughout (Thunderbird on Windows), and From_ line dates
// with zones. 5.2.7 lists and copies such messages like any other; when it
// rewrites the source file (doc/design/decisions.md#d5-new-mail-stays-new) it
// strips the CRs of every message it rewrites, where the clone keeps the
// source's bytes.

const (
	crlfOne   = "From a@b Tue Nov 14 22:13:21 2023\nMessage-ID: <one@x>\nSubject: one\n\nbody one\n\n"
	crlfTwo   = "From a@b Tue Nov 14 22:13:22 2023\r\nMessage-ID: <two@x>\r\nSubject: two\r\n\r\nbody two\r\nFrom here on\r\n\r\n"
	crlfThree = "From a@b Tue Nov 14 22:13:23 2023\nMessage-ID: <three@x>\nSubject: three\n\nbody three\n\n"
	crlfTB    = "From - Tue Nov 14 22:13:21 2023\r\nMessage-ID: <t1@x>\r\nSubject: tb one\r\n\r\nbody one\r\n\r\n" +
		"From - Tue Nov 14 22:13:22 MET 2023\r\nMessage-ID: <t2@x>\r\nSubject: tb two\r\n\r\nbody two\r\n\r\n"
)

// crlfZoneBox holds one message per From_ line date whose internal date
// c-client and the clone both can express (not Nov 31, :60 or -0000).
var crlfZoneBox = func() string {
	var b strings.Builder
	for i, d := range []string{
		"Tue Nov 14 22:13:21 MET 2023", "Tue Nov 14 22:13:21 2023 EET", "Tue Nov 14 22:13:21 ACB 2023",
		"Tue Nov 14 22:13:21 2023 +2400", "Tue Nov 14 22:13:21 2023 -0745", "Tue Nov 14 22:13 2023 PDT",
		"Tue Nov 14 25:13:21 2023", "Tue Nov 14 22:1x:21 2023", "Tue Xyz 14 22:13:21 2023",
		"Tue Nov 14 22:13:21   48", "Tue Nov  4 22:13:21 2023 remote from foo", "Tue Nov 14 22:13:21 2023 BST",
	} {
		id := string(rune('a' + i))
		end := "\n"
		if i%2 == 1 {
			end = "\r\n"
		}
		b.WriteString("From z@y " + d + end + "Message-ID: <" + id + "@z>" + end + "Subject: zone " + id + end + end + "body" + end + end)
	}
	return b.String()
}()

// keepSource: the clone leaves the source box as it was
// (doc/design/decisions.md#d5-new-mail-stays-new: nothing to rewrite), where
// 5.2.7 rewrote it without CRs.
func keepSource(box string) func(before, want *Result) {
	return func(before, want *Result) {
		want.Snap.Boxes[box] = before.Snap.clone().Boxes[box]
	}
}

// keepSourceBut: as keepSource, minus the messages whose Message-ID is
// one of gone (the clone's expunge keeps the other messages' bytes).
func keepSourceBut(box string, gone ...string) func(before, want *Result) {
	return func(before, want *Result) {
		b := before.Snap.clone().Boxes[box]
		var kept []Msg
		for _, m := range b.Msgs {
			drop := false
			for _, g := range gone {
				drop = drop || strings.TrimSpace(m.field("Message-ID")) == g
			}
			if !drop {
				kept = append(kept, m)
			}
		}
		b.Msgs = kept
		want.Snap.Boxes[box] = b
	}
}

func init() {
	d5 := []string{"D5"}
	register(
		Scenario{Name: "mbox-crlf-from-line", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", crlfOne+crlfTwo+crlfThree, "mail/b/inbox", ""),
			Steps: []Step{
				{Args: args("-M a")},
				{Args: args("ch"), Adjust: keepSource("mail/a/inbox")},
				// two is deleted in b: the clone's expunge from a keeps
				// one and three byte for byte.
				{Args: args("ch"), Write: files("mail/b/inbox", mbox(M{Subj: "one", ID: "<one@x>"})),
					Adjust: keepSourceBut("mail/a/inbox", "<two@x>", "<three@x>")},
			}},
		Scenario{Name: "mbox-crlf-throughout", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", crlfTB, "mail/b/inbox", ""),
			Steps: []Step{{Args: args("-M a")}, {Args: args("ch"), Adjust: keepSource("mail/a/inbox")}}},
		Scenario{Name: "mbox-from-line-zones", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", crlfZoneBox, "mail/b/inbox", ""),
			Steps: []Step{{Args: args("ch"), Adjust: keepSource("mail/a/inbox")}}},
	)
}
