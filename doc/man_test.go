package doc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailsync/mailsync/internal/testbin"
)

// TestMain removes the mailsync binary usageFromBinary has built.
func TestMain(m *testing.M) { os.Exit(testbin.Main(m)) }

// page is the manual page under test, relative to this directory.
const page = "mailsync.1"

// additions are options of this mailsync that 5.2.7's usage text (which
// the program prints byte for byte) does not list; the page documents
// them too. Any other option entry in the page must be in the usage text.
var additions = map[string]bool{"--help": true, "--version": true, "--max-delete": true}

// sections the rendered page must have.
var sections = []string{
	"NAME", "SYNOPSIS", "DESCRIPTION", "MODES", "OPTIONS", "CONFIGURATION",
	"SYNCHRONIZATION", "THE MSINFO FILE", "EXIT STATUS", "ENVIRONMENT",
	"FILES", "DIFFERENCES FROM MAILSYNC 5.2.7", "SEE ALSO",
}

// TestRenderWithoutWarnings formats the page with groff and with man-db,
// all warnings enabled, and fails on anything either prints on stderr.
func TestRenderWithoutWarnings(t *testing.T) {
	needTools(t)
	run(t, nil, "groff", "-man", "-Tutf8", "-ww", "-z", page)
	out, _ := run(t, nil, "man", "--warnings=w", "-l", "-Tutf8", "./"+page)
	if len(out) == 0 {
		t.Error("man -Tutf8 produced no output")
	}
	text, _ := run(t, []string{"MANWIDTH=80"}, "man", "--warnings=w", "-l", "./"+page)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("line %d of the 80-column rendering is %d columns wide: %q", i+1, n, l)
		}
	}
	if !strings.HasPrefix(text, "MAILSYNC(1)") {
		t.Errorf("rendering does not start with the MAILSYNC(1) header: %.80q", text)
	}
	for _, s := range sections {
		if !containsLine(lines, s) {
			t.Errorf("rendered page has no section %q", s)
		}
	}
}

// TestPageIsASCII: the source must be plain ASCII (special characters as
// roff escapes), so that it renders the same without preconv.
func TestPageIsASCII(t *testing.T) {
	src := readPage(t)
	for i, line := range strings.Split(src, "\n") {
		for _, r := range line {
			if r > 0x7e || (r < 0x20 && r != '\t') {
				t.Errorf("%s:%d: character %U is not printable ASCII", page, i+1, r)
				break
			}
		}
	}
}

// TestUsageOptionsDocumented runs the program without arguments, reads the
// options from the usage text it prints, and checks that each one has an
// entry in the page's OPTIONS section, both in the source (a .TP tag) and
// in the rendered text; and that the page lists no option the program
// does not have.
func TestUsageOptionsDocumented(t *testing.T) {
	usage := usageFromBinary(t)
	opts := usageOptions(usage)
	if len(opts) < 10 {
		t.Fatalf("found only %d options in the usage text:\n%s", len(opts), usage)
	}
	src := readPage(t)
	tags, err := optionTags(src)
	if err != nil {
		t.Fatal(err)
	}
	inUsage := map[string]bool{}
	for _, o := range opts {
		inUsage[o] = true
		if !tags[o] {
			t.Errorf("option %s of the usage text has no .TP entry in the page's OPTIONS section", o)
		}
	}
	for tag := range tags {
		if !inUsage[tag] && !additions[tag] {
			t.Errorf("the page documents %s, which the usage text does not list", tag)
		}
	}

	needTools(t)
	rendered, _ := run(t, nil, "groff", "-man", "-Tutf8", "-ww", "-P-cbou", page)
	section := renderedSection(rendered, "OPTIONS")
	if section == "" {
		t.Fatal("rendered page has no OPTIONS section")
	}
	for _, o := range append(opts, "--help", "--version", "--max-delete") {
		re := regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(o) + `($|[\s=,.])`)
		if !re.MatchString(section) {
			t.Errorf("option %s does not appear in the rendered OPTIONS section", o)
		}
	}
}

// TestUsageOptionsParser pins the usage parser on a sample.
func TestUsageOptionsParser(t *testing.T) {
	sample := "mailsync 5.2.7\n\nmailsync [options] channel\n\nOptions:\n" +
		"  -cd      do copy\n  -n       don't\n  -f conf  use\n  -t [msgid|md5] msg id type\n\nmore -x\n"
	got := strings.Join(usageOptions(sample), " ")
	if want := "-cd -n -f -t"; got != want {
		t.Errorf("usageOptions = %q, want %q", got, want)
	}
}

// TestOptionTagsParser pins the .TP tag parser on a sample.
func TestOptionTagsParser(t *testing.T) {
	src := ".SH DESCRIPTION\n.TP\n.B \\-x\n.SH OPTIONS\ntext\n.TP\n.B \\-cd\nCopy.\n" +
		".TP\n.BI \\-f \" file\"\nRead.\n.TP\n.BR \\-t \" \" msgid | md5\nIds.\n" +
		".TP\n.BI \\-\\-max\\-delete= N\nBrake.\n.SH FILES\n.TP\n.I ~/.mailsync\n"
	tags, err := optionTags(src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range []string{"-x", "-cd", "-f", "-t", "--max-delete", "~/.mailsync"} {
		if tags[o] {
			got = append(got, o)
		}
	}
	if g, want := strings.Join(got, " "), "-cd -f -t --max-delete"; g != want || len(tags) != 4 {
		t.Errorf("optionTags = %v, want %s", tags, want)
	}
	if _, err := optionTags(".SH NAME\nx\n"); err == nil {
		t.Error("optionTags accepted a page without an OPTIONS section")
	}
}

// usageFromBinary returns the usage text the mailsync binary (package
// testbin) prints on stdout when run without arguments (a usage error).
func usageFromBinary(t *testing.T) string {
	t.Helper()
	bin := testbin.Path(t)
	cmd := exec.CommandContext(t.Context(), bin)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("mailsync without arguments: want a usage error, got %v", err)
	}
	if !strings.Contains(stdout.String(), "\nOptions:\n") {
		t.Fatalf("mailsync without arguments printed no usage text on stdout\nstdout: %q\nstderr: %q", stdout.String(), stderr.String())
	}
	return stdout.String()
}

// usageOptions returns the first word of every line of the usage text's
// "Options:" block that starts with "-".
func usageOptions(usage string) []string {
	var opts []string
	in := false
	for _, line := range strings.Split(usage, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case line == "Options:":
			in = true
		case in && trimmed == "":
			if len(opts) > 0 {
				return opts
			}
		case in && strings.HasPrefix(trimmed, "-"):
			opts = append(opts, strings.Fields(trimmed)[0])
		}
	}
	return opts
}

// fontEscape matches roff font changes and the zero-width character.
var fontEscape = regexp.MustCompile(`\\f[BIRP]|\\f\[[A-Z]*\]|\\&`)

// optionTags returns the options that have a .TP entry in the OPTIONS
// section of the roff source: the first word of each tag line, with roff
// escapes removed and anything from "=" on cut off.
func optionTags(src string) (map[string]bool, error) {
	lines := strings.Split(src, "\n")
	start := -1
	for i, l := range lines {
		if l == ".SH OPTIONS" {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("%s: no .SH OPTIONS", page)
	}
	tags := map[string]bool{}
	for i := start; i < len(lines)-1; i++ {
		l := lines[i]
		if strings.HasPrefix(l, ".SH") {
			break
		}
		if l != ".TP" && !strings.HasPrefix(l, ".TP ") {
			continue
		}
		tag := lines[i+1]
		if strings.HasPrefix(tag, ".") { // a font macro: drop its name
			_, tag, _ = strings.Cut(tag, " ")
		}
		tag = strings.ReplaceAll(tag, `"`, "")
		tag = strings.ReplaceAll(tag, `\-`, "-")
		tag = fontEscape.ReplaceAllString(tag, "")
		f := strings.Fields(tag)
		if len(f) == 0 {
			return nil, fmt.Errorf("%s:%d: empty .TP tag", page, i+2)
		}
		word, _, _ := strings.Cut(f[0], "=")
		tags[word] = true
	}
	return tags, nil
}

// renderedSection returns the body of section name of a rendered page:
// the lines after its heading up to the next heading.
func renderedSection(text, name string) string {
	var b strings.Builder
	in := false
	for _, l := range strings.Split(text, "\n") {
		if l != "" && l[0] != ' ' {
			in = l == name
			continue
		}
		if in {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return normalizeDashes(b.String())
}

// normalizeDashes maps the dashes groff may print for "\-" and "-" to
// ASCII hyphen-minus.
func normalizeDashes(s string) string {
	return strings.NewReplacer("\u2212", "-", "\u2010", "-", "\u2011", "-").Replace(s)
}

func containsLine(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

func readPage(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("read the man page: %v", err)
	}
	return string(b)
}

// run runs a formatter in this directory with a fixed locale and no pager
// and returns its output. It fails the test if the command fails or
// prints anything on stderr (every groff warning goes there).
func run(t *testing.T, env []string, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8", "MANPAGER=cat", "PAGER=cat", "MANOPT=", "MANROFFOPT=")
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	line := strings.Join(append([]string{name}, args...), " ")
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, errb.String())
	}
	if errb.Len() > 0 {
		t.Errorf("%s printed warnings:\n%s", line, errb.String())
	}
	return out.String(), errb.String()
}

// needTools makes sure groff and man are installed (scripts/setup.sh
// installs them; the test never does): when they are not, it skips the
// test, or fails it when MAILSYNC_REQUIRE_TOOLS=1.
func needTools(t *testing.T) {
	t.Helper()
	missing := missingTools()
	if len(missing) == 0 {
		return
	}
	testbin.MissingTool(t, fmt.Sprintf("%s not installed (Debian packages groff-base and man-db)", strings.Join(missing, " and ")))
}

func missingTools() []string {
	var missing []string
	for _, tool := range []string{"groff", "man"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	return missing
}
