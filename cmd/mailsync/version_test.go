package main

import "testing"

func TestIsPseudo(t *testing.T) {
	for v, want := range map[string]bool{
		"v0.0.0-20261126074312-e6a26c6e9279":        true,
		"v1.0.1-0.20261126074312-e6a26c6e9279":      true,
		"v1.0.0-rc.1.0.20261126074312-e6a26c6e9279": true,
		"v1.0.0":        false,
		"v1.0.0-rc.1":   false,
		"v1.0.0-3-gabc": false,
	} {
		if got := isPseudo(v); got != want {
			t.Errorf("isPseudo(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestVersionTextNamesBuild(t *testing.T) {
	defer func(v string) { version = v }(version)
	for stamp, want := range map[string]string{
		"v" + release:       "mailsync " + release + "\nreplaces " + replaces + "\n",
		release:             "mailsync " + release + "\nreplaces " + replaces + "\n",
		"v1.0.0-3-gabc1234": "mailsync " + release + " (build v1.0.0-3-gabc1234)\nreplaces " + replaces + "\n",
	} {
		version = stamp
		if got := versionText(); got != want {
			t.Errorf("version %q: got %q, want %q", stamp, got, want)
		}
	}
}
