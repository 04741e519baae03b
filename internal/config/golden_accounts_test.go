package config

// Expectations of the store fields of modern accounts (passcmd, authmech,
// cafile; doc/design/accounts.md). 5.2.7 rejects these keywords with
// "Unknown store field", so these are the clone's own, written in 5.2.7's
// style: the same report shape, line numbers and token rules as goldenErr.

var goldenAccounts = []goldenCase{
	{
		name:   "passcmd with escaped spaces",
		input:  "store s {\n\tserver {h/user=me}\n\tpasscmd pass\\ show\\ mail/work\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tserver\n\t{h/user=me}\n\tpasscmd\n\tpass show mail/work\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "authmech and cafile",
		input:  "store s {\n\tserver {h/ssl/user=me}\n\tauthmech xoauth2\n\tcafile ~/ca.pem\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tserver\n\t{h/ssl/user=me}\n\tauthmech\n\txoauth2\n\tcafile\n\t~/ca.pem\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "passcmd repeated: the last wins",
		input:  "store s {\n passcmd a\n passcmd b\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpasscmd\n\ta\n\tpasscmd\n\tb\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "passcmd after passwd",
		input:  "store s {\n\tpasswd pw\n\tpasscmd cat\\ f\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpasswd\n\tpw\n\tpasscmd\n",
		report: "Error: Store fields passwd and passcmd exclude each other\n       While parsing line 2 at token \"passcmd\"\n       Quitting!\n",
	},
	{
		name:   "passwd after passcmd",
		input:  "store s {\n\tpasscmd cat\\ f\n\n\tpasswd pw\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpasscmd\n\tcat f\n\tpasswd\n",
		report: "Error: Store fields passwd and passcmd exclude each other\n       While parsing line 3 at token \"passwd\"\n       Quitting!\n",
	},
	{
		name:   "unknown authmech",
		input:  "store s {\n\tauthmech GSSAPI\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tauthmech\n\tGSSAPI\n",
		report: "Error: Unknown authmech (known: PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER)\n       While parsing line 2 at token \"GSSAPI\"\n       Quitting!\n",
	},
	{
		name:   "authmech value swallows the brace",
		input:  "store s {\n\tauthmech\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tauthmech\n\t}\n",
		report: "Error: Unknown authmech (known: PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER)\n       While parsing line 3 at token \"}\"\n       Quitting!\n",
	},
	{
		name:   "passcmd value at EOF",
		input:  "store s {\n\tpasscmd",
		trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpasscmd\n",
		report: "Error: Expected \"{\" while parsing store: unclosed store\n       Unexpected EOF while parsing configuration file       While parsing line 1:\n       Quitting!\n",
	},
	{
		name:   "new keywords are store fields only",
		input:  "store a {\n}\nchannel c a a {\n\tmsinfo m\n\tpasscmd x\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ta\n\t{\n\t}\n\tchannel\n\tc\n\ta\n\ta\n\t{\n\tmsinfo\n\tm\n\tpasscmd\n",
		report: "Error: Unknown channel field\n       While parsing line 4 at token \"passcmd\"\n       Quitting!\n",
	},
	{
		name:   "flags sync and flags copy (doc/design/flags.md)",
		input:  "store a {\n}\nchannel c a a {\n\tmsinfo m\n\tflags SYNC\n}\nchannel d a a {\n\tmsinfo m\n\tflags copy\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ta\n\t{\n\t}\n\tchannel\n\tc\n\ta\n\ta\n\t{\n\tmsinfo\n\tm\n\tflags\n\tSYNC\n\t}\n\tchannel\n\td\n\ta\n\ta\n\t{\n\tmsinfo\n\tm\n\tflags\n\tcopy\n\t}\n\t\n End parsing config. Config is OK\n\n",
		report: "",
	},
	{
		name:   "unknown flags value",
		input:  "store a {\n}\nchannel c a a {\n\tmsinfo m\n\tflags both\n}\n",
		trace:  " Parsing config...\n\n\tstore\n\ta\n\t{\n\t}\n\tchannel\n\tc\n\ta\n\ta\n\t{\n\tmsinfo\n\tm\n\tflags\n\tboth\n",
		report: "Error: Unknown flags value (known: copy, sync)\n       While parsing line 5 at token \"both\"\n       Quitting!\n",
	},
}
