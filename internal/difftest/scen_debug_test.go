package difftest

// Local stores under -d: the item lines in the directory's own order
// (c-client reads directories with readdir and does not sort), the
// lasttime lists of each store as listed, before the boxes missing on one
// side are created. doc/design/cli.md, "-d and c-client's names".
func init() {
	register(
		Scenario{Name: "debug-local-order", Config: twoStores, Dev: []string{"D5"},
			Files: files(
				"mail/a/zeta", mbox(msg("z1")), "mail/a/alpha", mbox(msg("al1")), "mail/a/inbox", mbox(msg("i1")),
				"mail/a/mid", mbox(msg("m1")), "mail/a/beta-long-name", mbox(msg("bl1")),
				"mail/b/inbox", mbox(msg("i2")), "mail/b/only-b", mbox(msg("ob1")), "mail/b/kappa", mbox(msg("k1")),
			),
			Steps: steps("-d ch", "-d ch", "-d a", "-d ch b")},
	)
}
