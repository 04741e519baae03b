package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"

	"github.com/mailsync/mailsync/internal/msgid"
)

// options are the parsed command-line switches.
type options struct {
	noDelete, long, showIDs, simulate, deleteEmpty bool
	debug, debugIMAP, debugConfig                  bool
	verbose, warnIDs, warnings, parseErrors        bool
	copyDeleted                                    bool
	configFile                                     string
	alg                                            msgid.Algorithm
	names                                          []string
	// Long options, additions to 5.2.7 (which prints the usage text for
	// every argument starting with "--"); see longopts.go.
	help         bool // --help
	version      bool // --version
	limitDeletes bool // --max-delete=N given
	maxDelete    int  // its N, a percentage
}

// errUsage asks for the usage text and exit status 1.
var errUsage = errors.New("usage")

// usageError asks for the usage text, then "Error: " and its text on
// stdout, and exit status 1 (5.2.7 does so for an unknown -t value).
type usageError struct{ reason string }

func (e *usageError) Error() string { return e.reason }

// errBadIDType is -t with an unknown value.
var errBadIDType = &usageError{"unknown message id format"}

// set maps an option's second character (and, for d, v and c, its third) to
// what it sets. 5.2.7 looks at no other character, so "-mx" is -m and "-nm" is
// just -n (doc/design/behaviour.md#options); a table rather than a flag library
// keeps "-di" from being read as "-d -i".
func (o *options) set(arg string) error {
	third := byte(0)
	if len(arg) > 2 {
		third = arg[2]
	}
	switch arg[1] {
	case 'n':
		o.noDelete = true
	case 'm':
		o.long = true
	case 'M':
		o.long, o.showIDs = true, true
	case 's':
		o.simulate, o.noDelete = true, true
	case 'D':
		o.deleteEmpty = true
	case 'd':
		switch third {
		case 'i':
			o.debugIMAP = true
		case 'c':
			o.debugConfig = true
		default:
			o.debug = true
		}
	case 'v':
		switch third {
		case 'b':
			o.warnIDs = true
		case 'w':
			o.warnings = true
		case 'p':
			o.parseErrors = true
		default:
			o.verbose = true
		}
	case 'c':
		if third != 'd' {
			return errUsage
		}
		o.copyDeleted = true
	default:
		return errUsage
	}
	return nil
}

// parseArgs reads options up to the first argument not starting with '-'; it
// and everything after it are names (doc/design/behaviour.md#options). "Only
// simulating" is printed as soon as -s is seen, as 5.2.7 does.
func parseArgs(args []string, stdout io.Writer) (*options, error) {
	o := &options{}
	var long *pflag.FlagSet
	i := 0
	for ; i < len(args); i++ {
		arg := args[i]
		if len(arg) == 0 || arg[0] != '-' {
			break
		}
		if len(arg) < 2 {
			return nil, errUsage
		}
		if arg[1] == '-' {
			if long == nil {
				long = o.longFlags()
			}
			used, err := longOption(long, args, i)
			if err != nil {
				return nil, err
			}
			if o.help || o.version {
				return o, nil // they need no name and end the options
			}
			i += used - 1
			continue
		}
		switch arg[1] {
		case 'f', 't':
			if i+1 >= len(args) {
				return nil, errUsage // 5.2.7 crashes here: doc/design/decisions.md#d10-no-crashes
			}
			i++
			if arg[1] == 'f' {
				o.configFile = args[i]
				continue
			}
			alg, ok := msgid.ParseAlgorithm(args[i])
			if !ok {
				return nil, errBadIDType
			}
			o.alg = alg
			continue
		}
		if err := o.set(arg); err != nil {
			return nil, err
		}
		if arg[1] == 's' {
			io.WriteString(stdout, "Only simulating\n")
		}
	}
	o.names = args[i:]
	if len(o.names) == 0 {
		return nil, errUsage
	}
	return o, nil
}
