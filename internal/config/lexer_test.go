package config

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// lexAll returns every token up to and including the end-of-file one.
func lexAll(t *testing.T, input string) ([]token, error) {
	t.Helper()
	lx := newLexer(strings.NewReader(input))
	var toks []token
	for i := 0; i <= len(input)+1; i++ {
		tok, err := lx.next()
		if err != nil {
			return toks, err
		}
		toks = append(toks, tok)
		if tok.eof {
			return toks, nil
		}
	}
	t.Fatalf("lexer did not reach the end of %q", input)
	return nil, nil
}

func tk(text string, line int) token    { return token{text: text, line: line} }
func eofTk(text string, line int) token { return token{text: text, eof: true, line: line} }

func TestLexer(t *testing.T) {
	cases := []struct {
		name  string
		input string
		want  []token
	}{
		{"empty", "", []token{eofTk("", 0)}},
		{"blank lines", "\n\n \t\n", []token{eofTk("", 3)}},
		{"one word at EOF", "store", []token{eofTk("store", 0)}},
		{"words", "a b\nc", []token{tk("a", 0), tk("b", 1), eofTk("c", 1)}},
		{"newline ending a token counts", "a\nb ", []token{tk("a", 1), tk("b", 1), eofTk("", 1)}},
		{"all C spaces separate", "a\vb\fc\rd\te e", []token{tk("a", 0), tk("b", 0), tk("c", 0), tk("d", 0), tk("e", 0), eofTk("e", 0)}},
		{"CR is not a line", "a\r\nb\r", []token{tk("a", 0), tk("b", 1), eofTk("", 1)}},
		{"high bytes are not spaces", "a\xa0b\x85c", []token{eofTk("a\xa0b\x85c", 0)}},
		{"braces are ordinary", "x{ {} }y", []token{tk("x{", 0), tk("{}", 0), eofTk("}y", 0)}},
		{"comment at token start", "#c d\na", []token{eofTk("a", 1)}},
		{"comment after token", "a #c\nb", []token{tk("a", 0), eofTk("b", 1)}},
		{"hash inside token", "a#b c#", []token{tk("a#b", 0), eofTk("c#", 0)}},
		{"comment to EOF", "a\n# c", []token{tk("a", 1), eofTk("", 1)}},
		{"comment lines count", "#1\n#2\n#3\nx\n", []token{tk("x", 4), eofTk("", 4)}},
		{"comment directly ends token", "a#b#c\n", []token{tk("a#b#c", 1), eofTk("", 1)}},
		{"escaped hash", `\#a #b`, []token{tk("#a", 0), eofTk("", 0)}},
		{"escaped space", `a\ b c`, []token{tk("a b", 0), eofTk("c", 0)}},
		{"escaped tab starts token", "\\\tx y", []token{tk("\tx", 0), eofTk("y", 0)}},
		{"escaped backslash", `a\\b`, []token{eofTk(`a\b`, 0)}},
		{"escaped newline not counted", "a\\\nb\nc", []token{tk("a\nb", 1), eofTk("c", 1)}},
		{"escaped brace", `\} \{`, []token{tk("}", 0), eofTk("{", 0)}},
		{"escaped NUL", "a\\\x00b", []token{eofTk("a\x00b", 0)}},
		{"trailing backslash is 0xFF", `ab\`, []token{eofTk("ab\xff", 0)}},
		{"lone trailing backslash", "x \\", []token{tk("x", 0), eofTk("\xff", 0)}},
		{"quotes are ordinary", `"a b"`, []token{tk(`"a`, 0), eofTk(`b"`, 0)}},
		{"NUL is ordinary", "a\x00b c", []token{tk("a\x00b", 0), eofTk("c", 0)}},
		{"1024 bytes fit", strings.Repeat("x", 1024) + " y", []token{tk(strings.Repeat("x", 1024), 0), eofTk("y", 0)}},
		{"1024 bytes at EOF", strings.Repeat("x", 1024), []token{eofTk(strings.Repeat("x", 1024), 0)}},
		{"long comment", "#" + strings.Repeat("x", 5000) + "\ny", []token{eofTk("y", 1)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := lexAll(t, c.input)
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("token %d: got %#v, want %#v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestLexerTooLong(t *testing.T) {
	long := strings.Repeat("x", 1025)
	cases := []struct {
		name, input string
		line        int
		token       string
	}{
		{"1025 bytes then space", long + " ", 0, long},
		{"1025 bytes at EOF", long, 0, long},
		{"1030 bytes cut to 1025", "\n" + long + "yyyyy\n", 1, long},
		{"escape as byte 1025", long[:1024] + `\ `, 0, long[:1024] + " "},
		{"escaped newlines inside are not counted", "a\n" + strings.Repeat("\\\n", 1025), 1, strings.Repeat("\n", 1025)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := lexAll(t, c.input)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got error %v, want a *ParseError", err)
			}
			want := ParseError{Msg: "Line too long", Line: c.line, Token: c.token}
			if *pe != want {
				t.Errorf("got %#v, want %#v", *pe, want)
			}
		})
	}
}

func TestLexerReadError(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name, input string
		good        int // tokens read before the failure
	}{
		{"at once", "", 0},
		{"inside a token", "store s", 1},
		{"after a backslash", `store s\`, 1},
		{"inside a comment", "a\n# comment", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lx := newLexer(io.MultiReader(strings.NewReader(c.input), iotest.ErrReader(boom)))
			for i := 0; i < c.good; i++ {
				if _, err := lx.next(); err != nil {
					t.Fatalf("token %d: unexpected error %v", i, err)
				}
			}
			_, err := lx.next()
			if !errors.Is(err, boom) {
				t.Fatalf("next() error = %v, want it to wrap %v", err, boom)
			}
			var pe *ParseError
			if errors.As(err, &pe) {
				t.Errorf("a read failure must not look like a parse error: %v", err)
			}
		})
	}
}
