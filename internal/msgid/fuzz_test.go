package msgid

import (
	"encoding/hex"
	"strings"
	"testing"
)

func FuzzCompute(f *testing.F) {
	f.Add([]byte("Message-ID: <a@b>\nFrom: A <a@b>\nTo: g: c@d;\n\n"))
	f.Fuzz(func(t *testing.T, hdr []byte) {
		id := Compute(MsgID, hdr)
		if !strings.HasPrefix(id.Value, "<") || !strings.HasSuffix(id.Value, ">") {
			t.Errorf("msgid %q not in brackets", id.Value)
		}
		if id.Missing != (id.Value == "<>") {
			t.Errorf("Missing = %v for %q", id.Missing, id.Value)
		}
		m := Compute(MD5, hdr)
		if m.Missing {
			if m.Value != "" {
				t.Errorf("missing md5 id has value %q", m.Value)
			}
		} else if _, err := hex.DecodeString(m.Value); err != nil || len(m.Value) != 32 {
			t.Errorf("bad md5 id %q", m.Value)
		}
		_ = EmptyWarning(hdr)
	})
}
