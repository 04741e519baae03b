package imap

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TestLiteralPlusBetweenResponses: an armed APPEND of a message above
// 4 KB goes out as "{N+}" and its bytes follow without a "+" from the
// server; the go-ahead handed to go-imap waits for the end of the
// response the server is in the middle of (a FETCH with a literal that
// looks like a command line), which go-imap then reads whole.
func TestLiteralPlusBetweenResponses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	body := strings.Repeat("x{7}\r\n", 2000) // 12,000 bytes
	half := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		served <- func() error {
			conn, err := ln.Accept()
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			r := bufio.NewReader(conn)
			io.WriteString(conn, "* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n")
			line, err := r.ReadString('\n')
			if err != nil || !strings.HasSuffix(line, " NOOP\r\n") {
				return fmt.Errorf("want NOOP, got %q (%v)", line, err)
			}
			tag := strings.Fields(line)[0]
			literal := "T9 OK {3}\r\n+ x\r\n"
			io.WriteString(conn, fmt.Sprintf("* 1 FETCH (UID 1 BODY[] {%d}\r\n%s", len(literal), literal[:8]))
			close(half) // the client appends now, in the middle of the FETCH
			line, err = r.ReadString('\n')
			want := fmt.Sprintf("APPEND INBOX {%d+}\r\n", len(body))
			if err != nil || !strings.HasSuffix(line, want) {
				return fmt.Errorf("want %q, got %q (%v)", want, line, err)
			}
			appendTag := strings.Fields(line)[0]
			io.WriteString(conn, literal[8:]+")\r\n"+tag+" OK done\r\n")
			got := make([]byte, len(body)+2)
			if _, err := io.ReadFull(r, got); err != nil || string(got) != body+"\r\n" {
				return fmt.Errorf("literal: %v", err)
			}
			io.WriteString(conn, appendTag+" OK [APPENDUID 1 7] appended\r\n")
			return nil
		}()
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	lp := newLiteralPlusConn(conn)
	fetched := make(chan string, 1)
	c := imapclient.New(lp, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Fetch: func(msg *imapclient.FetchMessageData) {
			buf, _ := msg.Collect()
			if buf != nil {
				for _, b := range buf.BodySection {
					fetched <- string(b.Bytes)
				}
			}
		},
	}})
	defer c.Close()
	noop := c.Noop()
	<-half
	lp.arm(true)
	cmd := c.Append("INBOX", int64(len(body)), &goimap.AppendOptions{})
	if _, err := io.WriteString(cmd, body); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	lp.arm(false)
	if err := noop.Wait(); err != nil {
		t.Fatalf("NOOP: %v", err)
	}
	data, err := cmd.Wait()
	if err != nil || data.UID != 7 {
		t.Fatalf("APPEND: %+v, %v", data, err)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-fetched:
		if got != "T9 OK {3}\r\n+ x\r\n" {
			t.Errorf("FETCH body %q", got)
		}
	case <-time.After(5 * time.Second): // go-imap calls the handler in a goroutine
		t.Error("the FETCH was not read")
	}
}
