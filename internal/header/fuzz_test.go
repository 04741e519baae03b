package header

import (
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzSummary(f *testing.F) {
	f.Add([]byte("From: A <a@b>\nSubject: s\n\n"), int64(1704103200))
	f.Fuzz(func(t *testing.T, hdr []byte, unix int64) {
		got := Summary(time.Unix(unix, 0).UTC(), hdr)
		if utf8.Valid(hdr) && !utf8.ValidString(got) {
			t.Errorf("invalid UTF-8 %q", got)
		}
		if n := utf8.RuneCountInString(got); n < 61 || n > 63 {
			t.Errorf("%d characters: %q", n, got)
		}
		_ = ParseAddressList(string(hdr))
		_ = AddrSpecs(hdr, "From")
	})
}
