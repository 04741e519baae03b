package msgid

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/header"
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
		if again, repair := sanitize([]byte(id.Value)); again != id.Value || repair != NotRepaired {
			t.Errorf("sanitize(%q) = %q, %v: not a fixed point", id.Value, again, repair)
		}
		if !id.Missing {
			// The id written back as the only Message-ID gives itself.
			re := Compute(MsgID, []byte("Message-ID: "+id.Value+"\r\n\r\n"))
			if re.Value != id.Value || re.Repair != NotRepaired {
				t.Errorf("Message-ID %q computes to %q %v", id.Value, re.Value, re.Repair)
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
		// The empty-id warning quotes them on one line.
		if w := header.FromLocal(hdr) + header.Subject(hdr); strings.Contains(w, "\n") {
			t.Errorf("From and Subject of the empty-id warning span lines: %q", w)
		}
	})
}
