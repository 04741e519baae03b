package header

// Address is one mailbox of an address list.
type Address struct {
	Personal string // display name (quotes and backslashes removed), or a comment after a bare address
	Mailbox  string // local part
	Host     string // domain; "" when the address has no domain
}

// ParseAddressList parses an RFC 2822 address list leniently like
// c-client's rfc822_parse_adrlist: groups are flattened (group names
// omitted), source routes dropped, comments skipped (a comment after a
// bare address becomes its display name), unquoted display names
// accepted. Syntax errors yield c-client's placeholder addresses such as
// UNEXPECTED_DATA_AFTER_ADDRESS@.SYNTAX-ERROR., as they do in 5.2.7.
func ParseAddressList(value string) []Address {
	var out []Address
	for _, e := range parseAdrlist(value) {
		if !e.hasHost {
			continue
		}
		a := Address{Personal: e.personal, Mailbox: e.mailbox, Host: e.host}
		if e.defaulted {
			a.Host = ""
		}
		out = append(out, a)
	}
	return out
}

// envelopeList returns c-client's envelope address list for a field:
// every occurrence is parsed and appended. For "From" c-client also takes
// ">From:" lines.
func envelopeList(hdr []byte, name string) []*entry {
	var out []*entry
	eachRaw(hdr, func(raw []byte) bool {
		if rawNameIs(raw, name) || (name == "From" && rawNameIs(raw, ">From")) {
			l, _ := parseRaw(raw)
			out = append(out, parseAdrlist(l.value)...)
		}
		return true
	})
	return out
}

// AddrSpecs returns every address of every name header (groups
// flattened) written as c-client's rfc822_address writes it: local@domain
// with each part quoted where needed and the domain .MISSING-HOST-NAME.
// for an address without one. mailsync's md5 ids hash these strings.
func AddrSpecs(hdr []byte, name string) []string {
	var out []string
	for _, e := range envelopeList(hdr, name) {
		if e.hasHost {
			out = append(out, writeAddress(e.mailbox, e.host))
		}
	}
	return out
}

// writeAddress formats local@host like c-client's rfc822_address.
func writeAddress(mailbox, host string) string {
	if host != "" && host[0] == '@' {
		return quoteAtom(mailbox)
	}
	return quoteAtom(mailbox) + "@" + quoteAtom(host)
}
