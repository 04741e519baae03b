package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Store is a "store" definition: a set of mailboxes. PassCmd, AuthMech
// and CAFile are the additions of doc/design/accounts.md: at most one of
// Passwd and PassCmd is set, and AuthMech is "" or one of AuthMechs.
type Store struct {
	Name, Server, Ref, Pat, Prefix, Passwd string
	PassCmd, AuthMech, CAFile              string
}

// Channel is a "channel" definition: two stores to synchronise and the
// mailbox holding their state. SizeLimit 0 means no limit.
type Channel struct {
	Name, StoreA, StoreB, Msinfo, Passwd string
	SizeLimit                            uint64
	// FlagSync is "flags sync": the channel keeps the flags of its
	// messages in step after copying them (doc/design/flags.md); false,
	// the default "flags copy", is 5.2.7's behaviour.
	FlagSync bool
}

// Config is a parsed configuration file. Stores and channels share one
// namespace: a name is a key of at most one of the two maps.
type Config struct {
	Stores   map[string]*Store
	Channels map[string]*Channel
}

const (
	traceHeader  = " Parsing config...\n\n"
	traceTrailer = " End parsing config. Config is OK\n\n"
)

// Load opens path, which must be a regular file that can be read, and parses
// it like Parse. A file that cannot be opened or read is reported as an
// *OpenError (and nothing is traced); syntax errors as a *ParseError.
func Load(path string, trace io.Writer) (*Config, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &OpenError{Path: path, Err: err}
	}
	if !fi.Mode().IsRegular() {
		return nil, &OpenError{Path: path, Err: fmt.Errorf("not a regular file (mode %v)", fi.Mode())}
	}
	// The whole file is read first, so that a read failure is reported
	// like an open failure, before anything is traced.
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &OpenError{Path: path, Err: err}
	}
	return Parse(bytes.NewReader(data), trace)
}

// Parse reads a configuration. When trace is non-nil it receives 5.2.7's -dc
// output: the header, a tab and the token for every token read (including
// the final empty one, and a token that then causes an error), and the
// trailer only when parsing succeeded. Syntax errors are returned as
// *ParseError; a failing reader gives a wrapped error of its own.
func Parse(r io.Reader, trace io.Writer) (*Config, error) {
	p := &parser{
		lx:    newLexer(r),
		trace: trace,
		cfg:   &Config{Stores: map[string]*Store{}, Channels: map[string]*Channel{}},
	}
	p.print(traceHeader)
	if err := p.parseFile(); err != nil {
		return nil, err
	}
	p.print(traceTrailer)
	return p.cfg, nil
}

type parser struct {
	lx    *lexer
	trace io.Writer
	tok   token
	cfg   *Config
}

// print writes to the trace. Like 5.2.7's printf, it ignores write errors:
// a broken trace must not change the outcome of parsing.
func (p *parser) print(s string) {
	if p.trace != nil {
		_, _ = io.WriteString(p.trace, s)
	}
}

// next reads the next token into p.tok and traces it.
func (p *parser) next() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	p.print("\t" + cString(t.text) + "\n")
	return nil
}

// fail builds the error for msg at the current token.
func (p *parser) fail(msg string) error {
	return &ParseError{Msg: msg, Line: p.tok.line, Token: p.tok.text, AtEOF: p.tok.eof}
}

// value reads a field's value: simply the next token, whatever it is, even
// one cut short by the end of the file.
func (p *parser) value() (string, error) {
	if err := p.next(); err != nil {
		return "", err
	}
	return p.tok.text, nil
}

func (p *parser) parseFile() error {
	for {
		if err := p.next(); err != nil {
			return err
		}
		if p.tok.eof {
			// A token cut short by the end of the file is ignored here.
			return nil
		}
		var err error
		switch p.tok.text {
		case "store":
			err = p.parseStore()
		case "channel":
			err = p.parseChannel()
		default:
			err = p.fail("unknow configuration element")
		}
		if err != nil {
			return err
		}
	}
}

// checkUnique rejects a second definition of name; it is reported at the
// closing "}" of that definition.
func (p *parser) checkUnique(name string) error {
	_, isStore := p.cfg.Stores[name]
	_, isChannel := p.cfg.Channels[name]
	if isStore || isChannel {
		return p.fail("Tag (store or channel name) used twice: " + cString(name))
	}
	return nil
}
