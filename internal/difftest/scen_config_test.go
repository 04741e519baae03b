package difftest

import "strings"

func init() {
	register(
		Scenario{Name: "cfg-missing", Files: simpleBoxes,
			Steps: steps("ch", "-f nothere ch", "-f home ch")},
		Scenario{Name: "cfg-f-relative", Files: files("alt.conf", twoStores, "mail/a/inbox", mbox(msg("a1"))),
			Steps: steps("-f home/alt.conf a", "-f ./home/alt.conf -m a")},
		Scenario{Name: "cfg-unknown-element", Config: "store a {\n\tpat x\n}\nstorx b {\n}\n", Steps: steps("a")},
		Scenario{Name: "cfg-unknown-store-field", Config: "store s {\n\tpat x\n\tfrob y\n}\n", Steps: steps("s")},
		Scenario{Name: "cfg-expected-brace", Config: "store s pat x\n", Steps: steps("s")},
		Scenario{Name: "cfg-missing-msinfo", Config: "store a {\n}\nchannel c a b {\n\tpasswd p\n}\n", Steps: steps("c")},
		Scenario{Name: "cfg-tag-twice", Config: "store a {\n}\nchannel a a a {\n\tmsinfo x\n}\n", Steps: steps("a")},
		Scenario{Name: "cfg-eof-errors", Config: "store x", Steps: []Step{
			{Args: args("x")},
			{Args: args("x"), Write: files(".mailsync", "store x {\n\tpat y\n")},
			{Args: args("x"), Write: files(".mailsync", "channel c a")},
			{Args: args("x"), Write: files(".mailsync", "channel c a b {\n msinfo m\n")},
			{Args: args("x"), Write: files(".mailsync", "channel c a b\n")},
			{Args: args("x"), Write: files(".mailsync", "channel")},
			{Args: args("x"), Write: files(".mailsync", "channel c a b {\n\tfoo bar\n}\n")},
		}},
		Scenario{Name: "cfg-line-too-long", Config: "store " + strings.Repeat("n", 1030) + " {\n}\n", Steps: steps("a")},
		// "pat #mh/%" starts a comment: the pat becomes "prefix".
		Scenario{Name: "cfg-comment-pitfall", Config: "store s {\n\tpat #mh/%\n\tprefix #mh/\n}\nstore t {\n\tpat a\\ b#c\\\n}\n",
			Steps: steps("-dc s", "t")},
	)
}
