package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// maxToken is c-client's MAILTMPLEN: a token may hold at most this many
// bytes; the lexer gives up as soon as it holds one more.
const maxToken = 1024

// token is one lexeme of the configuration file.
type token struct {
	text string // the bytes of the token, escapes resolved
	eof  bool   // the end of the file was reached while reading it
	line int    // newlines consumed so far, including one ending the token
}

// lexer splits a configuration file into tokens the way 5.2.7's get_token
// does.
type lexer struct {
	r       io.ByteReader
	line    int   // newline characters consumed (escaped ones excluded)
	atEOF   bool  // sticky end of file, like a FILE's EOF indicator
	readErr error // a read failure other than io.EOF
}

func newLexer(r io.Reader) *lexer {
	br, ok := r.(io.ByteReader)
	if !ok {
		br = bufio.NewReader(r)
	}
	return &lexer{r: br}
}

// getc returns the next byte, or ok == false at the end of the input (or
// after a read error, which is remembered in readErr).
func (lx *lexer) getc() (c byte, ok bool) {
	if lx.atEOF {
		return 0, false
	}
	c, err := lx.r.ReadByte()
	if err != nil {
		lx.atEOF = true
		if !errors.Is(err, io.EOF) {
			lx.readErr = err
		}
		return 0, false
	}
	return c, true
}

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// next reads one token. It returns a *ParseError ("Line too long") when the
// token outgrows maxToken, and a wrapped error when the input cannot be read.
func (lx *lexer) next() (token, error) {
	var buf []byte
	for {
		if len(buf) > maxToken {
			// 5.2.7 checks before reading the next byte, so a token of
			// 1025 bytes fails even when whitespace would have ended it.
			return token{}, &ParseError{Msg: "Line too long", Line: lx.line, Token: string(buf)}
		}
		c, ok := lx.getc()
		if ok && c == '#' && len(buf) == 0 {
			for ok && c != '\n' {
				c, ok = lx.getc()
			}
		}
		if !ok {
			if lx.readErr != nil {
				return token{}, fmt.Errorf("reading configuration at line %d: %w", lx.line+1, lx.readErr)
			}
			return token{text: string(buf), eof: true, line: lx.line}, nil
		}
		if c == '\n' {
			lx.line++
		}
		switch {
		case isSpace(c):
			if len(buf) > 0 {
				return token{text: string(buf), line: lx.line}, nil
			}
		case c == '\\':
			// The escaped byte is taken as it is; an escaped newline is
			// not counted as a line. At the end of the file 5.2.7 stores
			// (char)EOF, the byte 0xFF.
			e, ok := lx.getc()
			if !ok {
				if lx.readErr != nil {
					return token{}, fmt.Errorf("reading configuration at line %d: %w", lx.line+1, lx.readErr)
				}
				e = 0xFF
			}
			buf = append(buf, e)
		default:
			buf = append(buf, c)
		}
	}
}
