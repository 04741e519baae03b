package difftest

import "strings"

// This file holds the adjustments of the brakes against a broken store
// (decisions D17 and D18 of doc/design/decisions.md; doc/design/brakes.md).

// shownD18 (doc/design/decisions.md#d18-dry-runs-show-created-boxes): under -s,
// after each "Creating BOX in STORE" line of shown (pairs of that line and the
// box's lines), the clone prints what the real run prints for the box it would
// create; 5.2.7's -s prints nothing more for it.
func shownD18(shown ...string) func(before, want *Result) {
	return func(_, want *Result) {
		for i := 0; i+1 < len(shown); i += 2 {
			replaceOut(want, shown[i], shown[i]+shown[i+1])
		}
	}
}

// createdLong is the -m output of a box created and synchronised in one
// direction: the copied lines of subjs, then the counts.
func createdLong(box, dir, stores string, subjs ...string) string {
	s := "\n *** " + box + " ***\n\n"
	for _, subj := range subjs {
		s += "  copied     " + dir + "  " + fromText(subj) + "\n"
	}
	n := len(subjs)
	return s + "\n" + itoa(n) + " copied " + stores + ".\n" + itoa(n) + " messages remain in " + box + "\n"
}

// createdShort is the summary output of the same.
func createdShort(box, stores string, n int) string {
	remain := itoa(n) + " remain.\n"
	if n == 1 {
		remain = "1 remains.\n"
	}
	return box + ": \n" + itoa(n) + " copied " + stores + ".\n" + remain
}

func itoa(n int) string { return string(rune('0' + n)) }

// vanishedD17 (sync-box-deleted-one-side): box2 is no longer listed in
// store b while the msinfo remembers x1, which a still holds. 5.2.7
// creates box2 empty in b and deletes x1 in a; the clone skips the box
// with an error (exit 1): nothing created or deleted, its msinfo entry
// kept.
func vanishedD17(before, want *Result) {
	replaceOut(want, "\n *** box2 ***\n\n\n0 messages remain in box2\n  deleted    <   "+fromText("x1")+"\nExpunged 1 mail in store a\n", "")
	want.Stderr += "Error: mailbox box2 is no longer listed in store b, so 1 message of it in store a would be deleted; " +
		"skipping this mailbox. If it was really removed or renamed, run with --max-delete=100.\n"
	want.Exit = 1
	want.Snap.Boxes = before.Snap.clone().Boxes
	paths := want.Snap.Paths[:0]
	for _, p := range want.Snap.Paths {
		if !strings.HasPrefix(p, "mail/b/box2 ") {
			paths = append(paths, p)
		}
	}
	want.Snap.Paths = paths
	for _, e := range want.Snap.Msinfo {
		if body, ok := e["ch"]; ok {
			e["ch"] = strings.Replace(body, "box2\ninbox\n", "box2\n<x1@x>\ninbox\n", 1)
		}
	}
}
