package config

import (
	"errors"
	"strings"
	"testing"
)

// goldenCase is one configuration file and what 5.2.7 printed for it.
type goldenCase struct {
	name   string
	input  string
	trace  string // stdout of mailsync -dc
	report string // stderr; "" when the file parsed
}

func TestGolden(t *testing.T) {
	for _, tab := range [][]goldenCase{goldenOK, goldenErr, goldenAccounts} {
		for _, c := range tab {
			t.Run(c.name, func(t *testing.T) {
				var trace strings.Builder
				cfg, err := Parse(strings.NewReader(c.input), &trace)
				if trace.String() != c.trace {
					t.Errorf("trace:\n got %q\nwant %q", trace.String(), c.trace)
				}
				if c.report == "" {
					if err != nil || cfg == nil {
						t.Fatalf("Parse() = %v, %v; want a config", cfg, err)
					}
					return
				}
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("Parse() error = %v; want a *ParseError", err)
				}
				if cfg != nil {
					t.Errorf("Parse() returned a config together with an error")
				}
				if got := report(pe); got != c.report {
					t.Errorf("printed:\n got %q\nwant %q", got, c.report)
				}
			})
		}
	}
}

// TestGoldenNilTrace checks that the outcome does not depend on tracing.
func TestGoldenNilTrace(t *testing.T) {
	for _, tab := range [][]goldenCase{goldenOK, goldenErr, goldenAccounts} {
		for _, c := range tab {
			_, err := Parse(strings.NewReader(c.input), nil)
			got := ""
			var pe *ParseError
			if errors.As(err, &pe) {
				got = report(pe)
			} else if err != nil {
				t.Fatalf("%s: unexpected error %v", c.name, err)
			}
			if got != c.report {
				t.Errorf("%s: without trace got %q, want %q", c.name, got, c.report)
			}
		}
	}
}
