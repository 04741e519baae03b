package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// The long options are this mailsync's additions to 5.2.7's command line.
// They live in a pflag FlagSet, which parses them ("--name", "--name=V",
// "--name V") and writes their help; 5.2.7's single-dash options keep
// the table in args.go, because 5.2.7 reads only their second and third
// letters ("-di" is one option, "-mx" is -m), which no flag library does.
// doc/design/cli.md, "Options".

// longFlags is the set of long options, bound to o.
func (o *options) longFlags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("mailsync", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by run, after the usage text
	fs.Usage = func() {}
	fs.SortFlags = false
	fs.BoolVar(&o.help, "help", false, "print this help: 5.2.7's usage and these additions; exit 0")
	fs.BoolVar(&o.version, "version", false, "print this mailsync's version and the mailsync it replaces; exit 0")
	fs.Var(&percentValue{o}, "max-delete",
		"skip a box (and exit 1) when a sync would delete more than `N` percent\nof its messages on one side; 100 also lifts the empty-store brake")
	return fs
}

// longOption parses the long option args[i] (and its value args[i+1]
// when written "--name VALUE") into fs and returns how many arguments it
// used. An unknown long option is errUsage, as in 5.2.7; a bad value is a
// usageError that says why.
func longOption(fs *pflag.FlagSet, args []string, i int) (used int, err error) {
	name, _, hasValue := strings.Cut(args[i][2:], "=")
	f := fs.Lookup(name)
	if name == "" || f == nil {
		return 0, errUsage
	}
	used = 1
	if !hasValue && f.NoOptDefVal == "" {
		if i+1 >= len(args) {
			return 0, badValue(f)
		}
		used = 2
	}
	if err := fs.Parse(args[i : i+used]); err != nil {
		return 0, badValue(f)
	}
	return used, nil
}

// badValue is the usage error of a long option given a bad or no value.
func badValue(f *pflag.Flag) error {
	if f.Name == "max-delete" {
		return &usageError{"--max-delete needs a percentage from 0 to 100, as in --max-delete=50"}
	}
	return &usageError{fmt.Sprintf("--%s: bad value", f.Name)}
}

// percentValue is --max-delete's value: a whole percentage, 0 to 100.
type percentValue struct{ o *options }

func (p *percentValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100 {
		return fmt.Errorf("not a percentage from 0 to 100: %q", s)
	}
	p.o.limitDeletes, p.o.maxDelete = true, n
	return nil
}

func (p *percentValue) String() string {
	if p.o == nil || !p.o.limitDeletes {
		return ""
	}
	return strconv.Itoa(p.o.maxDelete)
}

func (p *percentValue) Type() string { return "percent" }

// helpText is --help's text: 5.2.7's usage text, then the long options
// from their FlagSet.
func helpText() string {
	var o options
	return usageText + "Options this mailsync adds (see man mailsync):\n" + o.longFlags().FlagUsages() + "\n"
}
