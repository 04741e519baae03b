package config

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, is deterministic, and keeps the
// shape of 5.2.7's output whatever the input.
func FuzzParse(f *testing.F) {
	for _, c := range goldenOK {
		f.Add([]byte(c.input))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var t1, t2 strings.Builder
		cfg1, err1 := Parse(bytes.NewReader(data), &t1)
		cfg2, err2 := Parse(bytes.NewReader(data), &t2)
		if t1.String() != t2.String() || !reflect.DeepEqual(cfg1, cfg2) || !reflect.DeepEqual(err1, err2) {
			t.Fatalf("Parse is not deterministic for %q", data)
		}
		trace := t1.String()
		if !strings.HasPrefix(trace, traceHeader) {
			t.Fatalf("trace %q lacks the header", trace)
		}
		if err1 == nil {
			if cfg1 == nil || !strings.HasSuffix(trace, "\n"+traceTrailer) {
				t.Fatalf("success without config or trailer: %q", trace)
			}
			for name := range cfg1.Stores {
				if _, dup := cfg1.Channels[name]; dup {
					t.Fatalf("name %q is both a store and a channel", name)
				}
			}
			for _, ch := range cfg1.Channels {
				if ch.Msinfo == "" {
					t.Fatalf("channel %q accepted without msinfo", ch.Name)
				}
			}
			return
		}
		var pe *ParseError
		if !errors.As(err1, &pe) {
			t.Fatalf("error %v is not a *ParseError", err1)
		}
		if cfg1 != nil || strings.HasSuffix(trace, traceTrailer) {
			t.Fatalf("failure with a config or a trailer: %q", trace)
		}
		if r := pe.Report(); !strings.HasPrefix(r, "Error: "+pe.Msg+"\n") || !strings.HasSuffix(r, "\n       Quitting!\n") {
			t.Fatalf("malformed report %q", r)
		}
		if pe.Line < 0 || pe.Line > bytes.Count(data, []byte("\n")) {
			t.Fatalf("line %d out of range", pe.Line)
		}
	})
}
