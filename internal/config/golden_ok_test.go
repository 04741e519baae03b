package config

// Expectations recorded from mailsync 5.2.7: each input was run as
// "mailsync -dc -f FILE zzz"; trace is what it printed on stdout, report
// what it printed on stderr (empty when the file parsed and only the unknown
// name "zzz" was reported).

import "strings"

var goldenOK = []goldenCase{
	{
		name:   "empty file",
		input:  "",
		trace:  " Parsing config...\n\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "only whitespace",
		input:  " \n\t\n",
		trace:  " Parsing config...\n\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "comment only",
		input:  "# just a comment",
		trace:  " Parsing config...\n\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "comment then newline",
		input:  "# c\n",
		trace:  " Parsing config...\n\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "store",
		input:  "store s {\n\tpat x\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpat\n\tx\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "store and channel",
		input:  "store a {\n server {imap.example.org/user=me}\n ref {imap.example.org}\n pat INBOX.*\n prefix INBOX.\n passwd pw\n}\nstore b {\n pat mail/%\n prefix mail/\n}\nchannel c a b {\n msinfo .msinfo\n passwd p2\n sizelimit 100\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ta\n\t{\n\tserver\n\t{imap.example.org/user=me}\n\tref\n\t{imap.example.org}\n\tpat\n\tINBOX.*\n\tprefix\n\tINBOX.\n\tpasswd\n\tpw\n\t}\n\tstore\n\tb\n\t{\n\tpat\n\tmail/%\n\tprefix\n\tmail/\n\t}\n\tchannel\n\tc\n\ta\n\tb\n\t{\n\tmsinfo\n\t.msinfo\n\tpasswd\n\tp2\n\tsizelimit\n\t100\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "store closed at EOF",
		input:  "store s { }",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "store keyword at EOF",
		input:  "store",
		trace:  " Parsing config...\n\n\tstore\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "channel keyword at EOF",
		input:  "channel",
		trace:  " Parsing config...\n\n\tchannel\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "final keyword dropped",
		input:  "store s { }\nfoo",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\t}\n\tfoo\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "value swallows brace",
		input:  "store s {\n pat }\n prefix x\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpat\n\t}\n\tprefix\n\tx\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "escaped closing brace still closes",
		input:  "store s { \\} ",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "trailing backslash at top level",
		input:  "foo\\",
		trace:  " Parsing config...\n\n\tfoo\xff\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "names differing after NUL",
		input:  "store s\x00t { }\nstore s\x00u { }\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\t}\n\tstore\n\ts\n\t{\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "braces as names",
		input:  "store { {\n}\nchannel } { { { msinfo m }\n",
		trace:  " Parsing config...\n\n\tstore\n\t{\n\t{\n\t}\n\tchannel\n\t}\n\t{\n\t{\n\t{\n\tmsinfo\n\tm\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "repeated fields",
		input:  "store s { pat a pat b prefix p prefix q }\nchannel c s s { msinfo m msinfo n sizelimit 5 sizelimit x }\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpat\n\ta\n\tpat\n\tb\n\tprefix\n\tp\n\tprefix\n\tq\n\t}\n\tchannel\n\tc\n\ts\n\ts\n\t{\n\tmsinfo\n\tm\n\tmsinfo\n\tn\n\tsizelimit\n\t5\n\tsizelimit\n\tx\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "token of 1024 bytes",
		input:  "store s {\n pat " + strings.Repeat("a", 1024) + "\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpat\n\t" + strings.Repeat("a", 1024) + "\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "token of 1024 bytes at EOF",
		input:  strings.Repeat("a", 1024),
		trace:  " Parsing config...\n\n\t" + strings.Repeat("a", 1024) + "\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "long comment is fine",
		input:  "#" + strings.Repeat("a", 3000) + "\nstore s { }\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
}
