package main

import (
	"errors"
	"io"
	"strconv"
	"strings"

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
	// every argument starting with "--").
	version      bool // --version
	limitDeletes bool // --max-delete=N given
	maxDelete    int  // its N, a percentage
}

// errUsage asks for the usage text and exit status 1.
var errUsage = errors.New("usage")

// errBadIDType is -t with an unknown value: usage, then an error line.
var errBadIDType = errors.New("unknown message id format")

// errBadMaxDelete is --max-delete without a percentage: usage, then an
// error line, as for -t.
var errBadMaxDelete = errors.New("--max-delete needs a percentage from 0 to 100, as in --max-delete=50")

// longOption handles the long options of this mailsync, which 5.2.7 does not
// have: --version and --max-delete=N (also "--max-delete N"). It reports
// whether arg was one of them and how many arguments it used; any other
// "--" argument is left to the legacy table (usage, as in 5.2.7).
func (o *options) longOption(args []string, i int) (used int, err error) {
	arg := args[i]
	switch {
	case arg == "--version":
		o.version = true
		return 1, nil
	case arg == "--max-delete" || strings.HasPrefix(arg, "--max-delete="):
		v, ok := strings.CutPrefix(arg, "--max-delete=")
		used = 1
		if !ok {
			if i+1 >= len(args) {
				return 0, errBadMaxDelete
			}
			v, used = args[i+1], 2
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			return 0, errBadMaxDelete
		}
		o.limitDeletes, o.maxDelete = true, n
		return used, nil
	}
	return 0, nil
}

// legacyOptions maps an option's second character (and, for d, v and c,
// its third) to what it sets. 5.2.7 looks at no other character, so
// "-mx" is -m and "-nm" is just -n (spec 1.1); a table rather than a
// flag library keeps "-di" from being read as "-d -i".
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

// parseArgs reads options up to the first argument not starting with '-';
// it and everything after it are names (spec 1.1). "Only simulating" is
// printed as soon as -s is seen, as 5.2.7 does.
func parseArgs(args []string, stdout io.Writer) (*options, error) {
	o := &options{}
	i := 0
	for ; i < len(args); i++ {
		arg := args[i]
		if len(arg) == 0 || arg[0] != '-' {
			break
		}
		if len(arg) < 2 {
			return nil, errUsage
		}
		used, err := o.longOption(args, i)
		if err != nil {
			return nil, err
		}
		if o.version {
			return o, nil // --version needs no name
		}
		if used > 0 {
			i += used - 1
			continue
		}
		switch arg[1] {
		case 'f', 't':
			if i+1 >= len(args) {
				return nil, errUsage // D10: 5.2.7 crashes here
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
