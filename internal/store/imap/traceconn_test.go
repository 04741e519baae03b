package imap

import (
	"strconv"
	"strings"
	"testing"
)

// TestStatusRewrite: STATUS command lines get their items in c-client's
// order, at any write boundary; the bytes of a literal being sent (a
// message that holds such a line) are never touched, nor is the length.
func TestStatusRewrite(t *testing.T) {
	msg := "Subject: x\r\n\r\nT9 STATUS INBOX (UIDNEXT MESSAGES)\r\n"
	stream := "T1 STATUS \"a b\" (HIGHESTMODSEQ UIDVALIDITY UIDNEXT MESSAGES)\r\n" +
		"T2 APPEND box {" + strconv.Itoa(len(msg)) + "+}\r\n" + msg + "\r\n" +
		"T3 STATUS x (UIDNEXT MESSAGES)\r\n" +
		"T4 APPEND box {" + strconv.Itoa(len(msg)) + "}\r\n" + msg + "\r\n" +
		"T5 status y (unseen messages)\r\n"
	want := "T1 STATUS \"a b\" (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)\r\n" +
		"T2 APPEND box {" + strconv.Itoa(len(msg)) + "+}\r\n" + msg + "\r\n" +
		"T3 STATUS x (MESSAGES UIDNEXT)\r\n" +
		"T4 APPEND box {" + strconv.Itoa(len(msg)) + "}\r\n" + msg + "\r\n" +
		"T5 status y (messages unseen)\r\n"
	for _, size := range []int{len(stream), 1, 7, 64} {
		var o outbound
		var got strings.Builder
		whole := []byte(stream)
		for i := 0; i < len(whole); i += size {
			chunk := whole[i:min(i+size, len(whole))]
			out := o.rewrite(chunk)
			if len(out) != len(chunk) {
				t.Fatalf("writes of %d: a write of %d bytes became %d", size, len(chunk), len(out))
			}
			got.Write(out)
		}
		if size == len(stream) && got.String() != want {
			t.Errorf("one write:\n%q\nwant\n%q", got.String(), want)
		}
		if strings.Count(got.String(), msg) != 2 {
			t.Errorf("writes of %d: a literal was rewritten:\n%q", size, got.String())
		}
	}
	if string(statusOrderOf("T1 STATUS x (A  B)\r\n")) != "T1 STATUS x (A  B)\r\n" {
		t.Error("a line whose length would change was rewritten")
	}
}

func statusOrderOf(line string) []byte {
	if fixed, ok := statusInOrder([]byte(line)); ok {
		return fixed
	}
	return []byte(line)
}
