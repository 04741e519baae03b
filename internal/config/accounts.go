package config

import "strings"

// The store fields of modern accounts (doc/design/accounts.md): passcmd,
// authmech and cafile. 5.2.7 knows none of them; a configuration without
// them parses exactly as before.

// AuthMechs are the values authmech accepts, in the spelling Store.AuthMech
// holds after parsing (the value is read case-insensitively).
var AuthMechs = []string{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"}

// Error texts of the new fields, in 5.2.7's style (reported with the
// line and token like every other syntax error).
const (
	msgPassExclusive = "Store fields passwd and passcmd exclude each other"
	msgAuthMech      = "Unknown authmech (known: PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER)"
	msgFlagMode      = "Unknown flags value (known: copy, sync)"
)

// flagMode reads the value of the channel field flags (the current
// token, case-insensitive): true for "sync", false for "copy"
// (doc/design/flags.md).
func (p *parser) flagMode(v string) (bool, error) {
	switch {
	case strings.EqualFold(v, "sync"):
		return true, nil
	case strings.EqualFold(v, "copy"):
		return false, nil
	}
	return false, p.fail(msgFlagMode)
}

// checkExclusive rejects passwd in a store that already has a passcmd and
// the other way round, at the keyword that conflicts. Repeating the same
// field is allowed (the last value wins, as for every field).
func (p *parser) checkExclusive(s *Store) error {
	switch p.tok.text {
	case "passwd":
		if s.PassCmd != "" {
			return p.fail(msgPassExclusive)
		}
	case "passcmd":
		if s.Passwd != "" {
			return p.fail(msgPassExclusive)
		}
	}
	return nil
}

// authMech checks the value of authmech (the current token) and returns
// its canonical spelling.
func (p *parser) authMech(v string) (string, error) {
	for _, m := range AuthMechs {
		if strings.EqualFold(v, m) {
			return m, nil
		}
	}
	return "", p.fail(msgAuthMech)
}
