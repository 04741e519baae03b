package header

// The grammar half of the c-client address parser port (see parse.go).

// parseAddrspec parses local@domain at i (rfc822_parse_addrspec). It
// returns the address and the position after it (-1: end of string).
func (p *parser) parseAddrspec(i int) (*entry, int, bool) {
	s := p.skipws(i)
	if p.b[s] == 0 {
		return nil, 0, false
	}
	t := p.parseWord(s, wspecials, false)
	if t < 0 {
		return nil, 0, false
	}
	a := &entry{hasMailbox: true}
	a.mailbox = unquote(string(p.b[s:t]))
	end := t
	t = p.skipws(t)
	for p.b[t] == '.' {
		str := p.skipws(t + 1)
		w := p.parseWord(str, wspecials, false)
		if w < 0 {
			break
		}
		end = w
		a.mailbox += "." + unquote(string(p.b[str:w]))
		t = p.skipws(w)
	}
	t = end
	end = p.skipws(end)
	if (p.b[end] == 'a' || p.b[end] == 'A') && (p.b[end+1] == 't' || p.b[end+1] == 'T') {
		switch p.b[end+2] {
		case ' ', '\t', '\r', '\n', '(':
			end++
			p.b[end] = '@'
		}
	}
	if p.b[end] != '@' {
		end = t
	} else {
		end++
		host, ok := p.parseDomain(end, &end)
		if !ok {
			host = errHost
		}
		a.host, a.hasHost = host, true
	}
	if !a.hasHost {
		a.host, a.hasHost, a.defaulted = badHost, true, true
	}
	if end >= 0 {
		for p.b[end] == ' ' {
			end++
		}
		if p.b[end] == '(' {
			if text, next, ok := p.skipComment(end, true); ok {
				end = next
				if c := p.cstr(text); c != "" {
					a.personal, a.hasPersonal = unquote(c), true
				}
			}
		}
		end = p.skipws(end)
	}
	if end < 0 || p.b[end] == 0 {
		end = -1
	}
	return a, end, true
}

// parseDomain parses a domain at i (rfc822_parse_domain), storing its end
// in *end the way c-client does (possibly -1).
func (p *parser) parseDomain(i int, end *int) (string, bool) {
	s := p.skipws(i)
	if p.b[s] == '[' {
		w := p.parseWord(s+1, "]\\", false)
		*end = w
		if w < 0 || p.b[w] != ']' {
			return "", false
		}
		w++
		*end = w
		return string(p.b[s:w]), true
	}
	t := p.parseWord(s, wspecials, false)
	if t < 0 {
		return "", false
	}
	ret := unquote(string(p.b[s:t]))
	*end = t
	t = p.skipws(t)
	for p.b[t] == '.' {
		str := p.skipws(t + 1)
		sub, ok := p.parseDomain(str, &t)
		if !ok || t < 0 {
			break
		}
		*end = t
		ret += "." + unquote(sub)
		t = p.skipws(t)
	}
	return ret, true
}

// parseRouteaddr parses <[@route:]local@domain> at i.
func (p *parser) parseRouteaddr(i int) ([]*entry, int, bool) {
	s := p.skipws(i)
	if p.b[s] != '<' {
		return nil, 0, false
	}
	s++
	t := p.skipws(s)
	adl, hasAdl := "", false
	for p.b[t] == '@' {
		d, ok := p.parseDomain(t+1, &t)
		if !ok {
			break
		}
		if hasAdl {
			adl += ",@" + d
		} else {
			adl, hasAdl = "@"+d, true
		}
		t = p.skipws(t)
		if p.b[t] != ',' {
			break
		}
		t = p.skipws(t + 1)
	}
	if hasAdl {
		if t < 0 { // c-client dereferences NIL here
			return nil, 0, false
		}
		if p.b[t] == ':' {
			s = t + 1
		}
	}
	a, ret, ok := p.parseAddrspec(s)
	if !ok {
		return nil, 0, false
	}
	a.adl = adl
	if ret >= 0 && p.b[ret] == '>' {
		ret = p.skipws(ret + 1)
		if p.b[ret] == 0 {
			ret = -1
		}
		return []*entry{a}, ret, true
	}
	return []*entry{a, errEntry("MISSING_MAILBOX_TERMINATOR")}, ret, true
}

// parseMailbox parses a mailbox ([phrase] <route-addr> or addr-spec) at
// *str, advancing *str.
func (p *parser) parseMailbox(str *int) ([]*entry, bool) {
	*str = p.skipws(*str)
	s := *str
	if p.b[s] == 0 {
		return nil, false
	}
	if p.b[s] == '<' {
		l, ret, ok := p.parseRouteaddr(s)
		if ok {
			*str = ret
		}
		return l, ok
	}
	end := p.parsePhrase(s)
	if end < 0 {
		return nil, false
	}
	if l, ret, ok := p.parseRouteaddr(end); ok {
		*str = ret
		p.b[end] = 0
		l[0].personal, l[0].hasPersonal = unquote(p.cstr(s)), true
		return l, true
	}
	a, ret, ok := p.parseAddrspec(s)
	if !ok {
		return nil, false
	}
	*str = ret
	return []*entry{a}, true
}

// parseGroup parses "name: members;" at *str.
func (p *parser) parseGroup(str *int, depth int) bool {
	if depth > maxGroupDepth || *str < 0 {
		return false
	}
	*str = p.skipws(*str)
	s := *str
	if p.b[s] == 0 {
		return false
	}
	e := s
	if p.b[e] != ':' {
		if e = p.parsePhrase(s); e < 0 {
			return false
		}
	}
	q := p.skipws(e)
	if p.b[q] != ':' {
		return false
	}
	p.b[e] = 0
	p.list = append(p.list, &entry{mailbox: unquote(p.cstr(s)), hasMailbox: true})
	*str = p.skipws(q + 1)
	for *str >= 0 && p.b[*str] != 0 && p.b[*str] != ';' {
		if !p.parseAddress(str, depth+1) {
			*str = -1
			p.list = append(p.list, errEntry("INVALID_ADDRESS_IN_GROUP"))
			break
		}
		if *str < 0 {
			break
		}
		*str = p.skipws(*str)
		switch p.b[*str] {
		case ',':
			*str++
		case ';', 0:
		default:
			*str = -1
			p.list = append(p.list, errEntry("UNEXPECTED_DATA_AFTER_ADDRESS_IN_GROUP"))
		}
	}
	if *str >= 0 {
		if p.b[*str] == ';' {
			*str++
		}
		*str = p.skipws(*str)
	}
	p.list = append(p.list, &entry{})
	return true
}

// parseAddress parses a group or a mailbox at *str and appends it.
func (p *parser) parseAddress(str *int, depth int) bool {
	if *str < 0 {
		return false
	}
	*str = p.skipws(*str)
	if p.b[*str] == 0 {
		return false
	}
	if p.parseGroup(str, depth) {
		return true
	}
	l, ok := p.parseMailbox(str)
	if !ok {
		return false
	}
	p.list = append(p.list, l...)
	return true
}

// parseAdrlist parses an address list (rfc822_parse_adrlist).
func parseAdrlist(value string) []*entry {
	p := &parser{b: append([]byte(value), 0)}
	str := p.skipws(0)
	if p.b[str] == 0 {
		return nil
	}
	for str >= 0 {
		for p.b[str] == ',' {
			str = p.skipws(str + 1)
		}
		if p.b[str] == 0 {
			break
		}
		if !p.parseAddress(&str, 0) {
			p.list = append(p.list, errEntry("INVALID_ADDRESS"))
			break
		}
		if str < 0 {
			break
		}
		str = p.skipws(str)
		switch p.b[str] {
		case ',':
			str++
		case 0:
			str = -1
		default:
			p.list = append(p.list, errEntry("UNEXPECTED_DATA_AFTER_ADDRESS"))
			str = -1
		}
	}
	return p.list
}
