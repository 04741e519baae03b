package msgid

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/header"
)

func TestZZCompare(t *testing.T) {
	path := os.Getenv("CMP_MBOX")
	if path == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(path)
	msgs := strings.Split("\n"+string(data), "\nFrom sender@host ")[1:]
	for _, alg := range []Algorithm{MsgID, MD5} {
		var out bytes.Buffer
		seen := map[string]bool{}
		for _, m := range msgs {
			nl := strings.IndexByte(m, '\n')
			d, err := time.Parse("Mon Jan _2 15:04:05 2006", m[:nl])
			if err != nil {
				t.Fatal(err)
			}
			m = m[nl+1:]
			end := strings.Index(m, "\n\n")
			if e2 := strings.Index(m, "\r\n\r\n"); e2 >= 0 && (end < 0 || e2 < end) {
				end = e2
			}
			hdr := []byte(m[:end+2])
			id := Compute(alg, hdr)
			sum := header.Summary(d, hdr)
			if alg == MsgID && id.Missing {
				fmt.Fprintln(&out, EmptyWarning(hdr))
			}
			if alg == MD5 && id.Missing {
				fmt.Fprintf(&out, "  no msg-id    %s\n", sum)
				continue
			}
			if seen[id.Value] {
				out.WriteString("  duplicate    ")
			}
			seen[id.Value] = true
			fmt.Fprintf(&out, "%-65s%s\n", id.Value, sum)
		}
		os.WriteFile(fmt.Sprintf("%s.mine%d", path, alg), out.Bytes(), 0o644)
	}
}
