package difftest

const modeConfig = twoStores + `channel half a missing {
	msinfo .msinfo
}
channel half2 missing a {
	msinfo .msinfo
}
channel none x y {
	msinfo .msinfo
}
`

func init() {
	register(
		Scenario{Name: "mode-unknown-name", Config: twoStores, Files: simpleBoxes,
			Steps: steps("nothere", "a nothere", "-m ch a zz")},
		Scenario{Name: "mode-counting", Config: twoStores, Files: simpleBoxes,
			Steps: steps("a b", "ch ch", "ch a b", "a a", "ch ch a")},
		Scenario{Name: "mode-malconfigured", Config: modeConfig, Files: simpleBoxes,
			Steps: steps("half", "half2", "none", "-s half")},
		Scenario{Name: "mode-diff-store-not-in-channel", Config: modeConfig + "store c {\n\tpat mail/c/%\n}\n",
			Files: simpleBoxes, Dev: []string{"D4"},
			Steps: []Step{{Args: args("ch c")}, {Args: args("c ch")}, {Args: args("half a"), Adjust: readOnlyD4}}},
	)
}
