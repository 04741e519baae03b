package difftest

import "strings"

// usageText is 5.2.7's usage text (doc/design/behaviour.md#usage-text).
const usageText = `mailsync 5.2.7

mailsync [options] channel
       synchronize two stores defined by "channel" or
mailsync [options] store
       list mailboxes contained in "store"
mailsync [options] channel store
       display changes from last seen messages in "channel" to
       those contained in "store"


Options:
  -cd      do copy deleted mailboxes (default is not)
  -n       don't delete messages
  -D       delete any empty mailboxes after synchronizing
  -m       show from, subject, etc. of messages that get expunged or moved
  -M       also show message-ids (turns on -m)
  -s       simulate
  -d       show debug info
  -di      debug/log IMAP protocol telemetry
  -dc      debug configuration
  -v       show imap chatter
  -vb      show warning about braindammaged message ids
  -vw      show warnings
  -vp      show RFC 822 parsing errors
  -f conf  use alternative config file
  -t [msgid|md5] msg id type

`

// usageD10 (doc/design/decisions.md#d10-no-crashes): -f/-t as last argument
// print the usage text, exit 1 (5.2.7 dies with SIGSEGV).
func usageD10(_, want *Result) {
	want.Stdout, want.Stderr, want.Exit = usageText, "", 1
}

// simpleBoxes is a home with one box on each side.
var simpleBoxes = files(
	"mail/a/inbox", mbox(msg("a1"), M{Subj: "a2", ID: "<a2@x>", Status: "RO"}),
	"mail/b/inbox", mbox(msg("b1")),
)

func init() {
	register(
		Scenario{Name: "cli-usage", Config: twoStores, Files: simpleBoxes,
			Steps: []Step{{Args: args("")}, {Args: args("-h")}, {Args: args("--help"), Adjust: adjustHelp},
				{Args: args("-")}, {Args: args("-x ch")}, {Args: args("-c ch")}, {Args: args("-cx ch")}, {Args: args("-n -m")}}},
		Scenario{Name: "cli-simulate-before-usage", Config: twoStores,
			Steps: steps("-s", "-s -h", "-n -s -x ch")},
		Scenario{Name: "cli-bad-t", Config: twoStores, Files: simpleBoxes, Dev: []string{"D5"},
			Steps: steps("-t foo ch", "-t md5 -t sha ch", "-t msgid ch")},
		Scenario{Name: "cli-f-t-last", Config: twoStores, Dev: []string{"D10"},
			Steps: []Step{
				{Args: args("-f"), Adjust: usageD10},
				{Args: args("-m -t"), Adjust: usageD10},
			}},
		Scenario{Name: "cli-option-after-name", Config: twoStores, Files: simpleBoxes,
			Steps: steps("ch -m", "a -n", "ch ch -x")},
		// 2nd/3rd character rule: -mx is -m, -nm is -n, -Dfoo is -D,
		// -Mfoo is -M; nothing changes in the stores for the -n run.
		Scenario{Name: "cli-legacy-m-n", Config: twoStores, Dev: []string{"D5"},
			Files: files(
				"mail/a/inbox", mbox(msg("a1"), msg("gone")),
				"mail/b/inbox", mbox(msg("b1")),
				".msinfo", msinfoFile("ch", "inbox\n<gone@x>"),
			),
			Steps: steps("-nm ch", "-mx ch", "-Mfoo a", "-Dfoo -nx ch")},
		Scenario{Name: "cli-legacy-vb", Config: twoStores, Dev: []string{"D5"},
			Files: files(
				"mail/a/inbox", mbox(M{Subj: "bare", ID: "bare@x"}, M{Subj: "space", ID: "<with space@x>"},
					M{Subj: "trail", ID: "<tr@x> (comment)"}, M{Subj: "open", ID: "<open@x"}),
				"mail/b/inbox", "",
			),
			Steps: steps("-vb ch", "-vbx ch")},
		Scenario{Name: "cli-legacy-vw-vp-di", Config: twoStores + "store none {\n\tpat nothing/%\n}\n",
			Files: simpleBoxes, Dev: []string{"D5"},
			Steps: steps("-vw none", "-vwx none", "none", "-vp a", "-di ch", "-dix ch")},
		Scenario{Name: "cli-legacy-v-chatter", Config: twoStores, Files: simpleBoxes,
			Dev:   []string{"D5", "D14"},
			Steps: steps("-v ch", "-vq ch")},
		Scenario{Name: "cli-legacy-d", Config: twoStores, Files: simpleBoxes,
			Steps: steps("-d a", "-dz a")},
		Scenario{Name: "cli-legacy-dc", Config: "# comment\nstore a {\n\tpat mail/a/%\tprefix mail/a/\n}\nstore b { pat mail/b/% prefix mail/b/ }\nchannel ch a b { msinfo .msinfo sizelimit 10x }\n",
			Files: simpleBoxes,
			Steps: steps("-dc a", "-dcx b", "-dc nothere")},
	)
}

// helpAdditions is what --help prints after 5.2.7's usage text: the long
// options this mailsync adds (doc/design/cli.md, "Options").
const helpAdditions = `Options this mailsync adds (see man mailsync):
      --help           print this help: 5.2.7's usage and these additions; exit 0
      --version        print this mailsync's version and the mailsync it replaces; exit 0
      --max-delete N   skip a box (and exit 1) when a sync would delete more than N percent
                       of its messages on one side; 100 also lifts the empty-store brake

`

// adjustHelp: 5.2.7 prints its usage text for --help and exits 1; the
// clone prints the same text, then its long options, and exits 0.
func adjustHelp(_, want *Result) {
	if !strings.HasPrefix(want.Stdout, "mailsync 5.2.7\n") || want.Exit != 1 {
		want.Stdout += "[harness: expected 5.2.7's usage text]\n"
		return
	}
	want.Stdout += helpAdditions
	want.Exit = 0
}
