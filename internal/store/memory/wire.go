package memory

import (
	"bytes"
	"errors"
)

var errBareLF = errors.New("message has a bare LF line end (want CRLF)")

// toCRLF returns raw with every LF that is not preceded by CR turned
// into CRLF. Existing CRLF pairs and lone CRs are kept.
func toCRLF(raw []byte) []byte {
	out := make([]byte, 0, len(raw)+bytes.Count(raw, []byte{'\n'}))
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// checkCRLF returns errBareLF when raw has an LF not preceded by CR.
func checkCRLF(raw []byte) error {
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			return errBareLF
		}
	}
	return nil
}

// header returns the header section of a CRLF message including the empty
// line that ends it. A message without a body separator is all header;
// the missing line ends are supplied.
func header(raw []byte) []byte {
	if len(raw) >= 2 && raw[0] == '\r' && raw[1] == '\n' {
		return []byte("\r\n")
	}
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return bytes.Clone(raw[:i+4])
	}
	h := bytes.Clone(raw)
	if !bytes.HasSuffix(h, []byte("\r\n")) {
		h = append(h, '\r', '\n')
	}
	return append(h, '\r', '\n')
}
