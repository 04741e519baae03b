package msgid

import (
	"encoding/hex"
	"strings"
	"testing"
)

// validMsgID reports whether id is what sanitize guarantees: "<", then
// bytes that are neither white space, control characters nor '>', then
// ">" — so it fits on one msinfo line and reads back as itself.
func validMsgID(id string) bool {
	if len(id) < 2 || id[0] != '<' || id[len(id)-1] != '>' {
		return false
	}
	for i := 1; i < len(id)-1; i++ {
		if c := id[i]; c <= ' ' || c == 0x7f || c == '>' {
			return false
		}
	}
	return true
}

// FuzzCompute checks that any header section yields an id valid by the
// package's own rules: in msgid mode a bracketed id without blanks (and
// "<>" exactly when the message has none), which is a fixed point of
// sanitising; in md5 mode 32 lowercase hex digits or nothing.
func FuzzCompute(f *testing.F) {
	f.Add([]byte("Message-ID: <a@b>\nFrom: A <a@b>\nTo: g: c@d;\n\n"))
	f.Fuzz(func(t *testing.T, hdr []byte) {
		id := Compute(MsgID, hdr)
		if !validMsgID(id.Value) {
			t.Errorf("msgid %q is not valid", id.Value)
		}
		if id.Missing != (id.Value == "<>") {
			t.Errorf("Missing = %v for %q", id.Missing, id.Value)
		}
		if again, repairs := sanitize([]byte(id.Value)); again != id.Value || len(repairs) != 0 {
			t.Errorf("sanitize(%q) = %q, %q: not a fixed point", id.Value, again, repairs)
		}
		if !id.Missing {
			// The id written back as the only Message-ID gives itself.
			re := Compute(MsgID, []byte("Message-ID: "+id.Value+"\r\n\r\n"))
			if re.Value != id.Value || len(re.Repairs) != 0 {
				t.Errorf("Message-ID %q computes to %q %q", id.Value, re.Value, re.Repairs)
			}
		}
		for _, r := range id.Repairs {
			if !strings.HasSuffix(r, " "+id.Value) || strings.ContainsAny(r, "\n") {
				t.Errorf("repair warning %q does not end with the id on one line", r)
			}
		}
		m := Compute(MD5, hdr)
		if m.Missing {
			if m.Value != "" {
				t.Errorf("missing md5 id has value %q", m.Value)
			}
		} else if _, err := hex.DecodeString(m.Value); err != nil || len(m.Value) != 32 || strings.ToLower(m.Value) != m.Value {
			t.Errorf("bad md5 id %q", m.Value)
		}
		if w := EmptyWarning(hdr); strings.Contains(w, "\n") {
			t.Errorf("empty-id warning spans lines: %q", w)
		}
	})
}
