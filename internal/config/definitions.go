package config

// parseStore parses a store definition after the keyword "store" and
// registers it unless its name is taken.
func (p *parser) parseStore() error {
	if err := p.next(); err != nil {
		return err
	}
	if p.tok.eof {
		return p.fail("Store name missing")
	}
	s := &Store{Name: p.tok.text}
	if err := p.expectOpen(`Expected "{" while parsing store`); err != nil {
		return err
	}
	for {
		if err := p.next(); err != nil {
			return err
		}
		if p.tok.text == "}" { // also when the file ends right after it
			break
		}
		if p.tok.eof {
			return p.fail(`Expected "{" while parsing store: unclosed store`)
		}
		var field *string
		if err := p.checkExclusive(s); err != nil {
			return err
		}
		switch p.tok.text {
		case "server":
			field = &s.Server
		case "prefix":
			field = &s.Prefix
		case "ref":
			field = &s.Ref
		case "pat":
			field = &s.Pat
		case "passwd":
			field = &s.Passwd
		case "passcmd":
			field = &s.PassCmd
		case "authmech":
			field = &s.AuthMech
		case "cafile":
			field = &s.CAFile
		default:
			return p.fail("Unknown store field")
		}
		v, err := p.value()
		if err != nil {
			return err
		}
		if field == &s.AuthMech {
			if v, err = p.authMech(v); err != nil {
				return err
			}
		}
		*field = v
	}
	if err := p.checkUnique(s.Name); err != nil {
		return err
	}
	p.cfg.Stores[s.Name] = s
	return nil
}

// parseChannel parses a channel definition after the keyword "channel" and
// registers it unless its name is taken.
func (p *parser) parseChannel() error {
	c := &Channel{}
	for _, f := range []struct {
		dst *string
		msg string
	}{
		{&c.Name, "Channel name missing"},
		{&c.StoreA, "Expected a store name while parsing channel"},
		{&c.StoreB, "Expected a store name while parsing channel"},
	} {
		if err := p.next(); err != nil {
			return err
		}
		if p.tok.eof {
			return p.fail(f.msg)
		}
		*f.dst = p.tok.text
	}
	if err := p.expectOpen(`Expected "{" while parsing channel`); err != nil {
		return err
	}
	for {
		if err := p.next(); err != nil {
			return err
		}
		if p.tok.text == "}" {
			break
		}
		if p.tok.eof {
			return p.fail("Unclosed channel")
		}
		field := p.tok.text
		if field != "msinfo" && field != "passwd" && field != "sizelimit" && field != "flags" {
			return p.fail("Unknown channel field")
		}
		v, err := p.value()
		if err != nil {
			return err
		}
		switch field {
		case "msinfo":
			c.Msinfo = v
		case "passwd":
			c.Passwd = v
		case "sizelimit":
			c.SizeLimit = parseSizeLimit(v)
		case "flags":
			if c.FlagSync, err = p.flagMode(v); err != nil {
				return err
			}
		}
	}
	if c.Msinfo == "" {
		return p.fail(cString(c.Name) + ": missing msinfo")
	}
	if err := p.checkUnique(c.Name); err != nil {
		return err
	}
	p.cfg.Channels[c.Name] = c
	return nil
}

// expectOpen reads the token that must be "{" (and not cut short by the end
// of the file).
func (p *parser) expectOpen(msg string) error {
	if err := p.next(); err != nil {
		return err
	}
	if p.tok.eof || p.tok.text != "{" {
		return p.fail(msg)
	}
	return nil
}
