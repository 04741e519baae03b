package header

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Widths of the parts of the from part (doc/design/behaviour.md#message-line).
const (
	senderWidth  = 22
	subjectWidth = 29
	fromWidth    = 61
)

var (
	weekdays = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	months   = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// DateField returns the 11-character date column as c-client's mail_cdate
// writes it: weekday (computed from the date with the Gregorian rule, never
// copied), month, day right-aligned in 2 columns, one space. Like 5.2.7 it
// accepts impossible days such as Feb 30 (mbox From_ lines may carry them;
// the weekday is then that of the day the date overflows to), but c-client
// cannot store a date with a year outside 1970..2097 or a day outside
// 1..31: such a message shows the zero date "Thu Jan  1 ".
func DateField(year int, month time.Month, day int) string {
	if year < 1970 || year > 2097 || day < 1 || day > 31 || month < time.January || month > time.December {
		return "Thu Jan  1 "
	}
	d, m, y := day, int(month)-1, year
	name := months[m]
	if m < 2 { // January and February count as months 10 and 11 of the year before
		m += 10
		y--
	} else {
		m -= 2
	}
	w := (d + 2 + (7+31*m)/12 + y/400 - y/100 + y + y/4) % 7
	return weekdays[w] + " " + name + " " + pad2(d) + " "
}

// pad2 right-aligns a day of month (1..31) in two columns.
func pad2(d int) string {
	if d < 10 {
		return " " + string(rune('0'+d))
	}
	return string(rune('0'+d/10)) + string(rune('0'+d%10))
}

// Summary returns the 61-character "from part" of
// doc/design/behaviour.md#message-line: the date column of internalDate (see
// DateField; taken in internalDate's own location, which must be the zone the
// internal date was written in: 5.2.7 shows the From_ line's date as written,
// whatever TZ is), 22 characters of sender, a space and at most 29 characters
// of subject, padded with spaces to 61 characters. Following
// doc/design/decisions.md#d13-encoded-words, encoded-words are decoded to UTF-8
// and all cutting and padding counts characters.
func Summary(internalDate time.Time, hdr []byte) string {
	var b strings.Builder
	b.WriteString(DateField(internalDate.Year(), internalDate.Month(), internalDate.Day()))
	b.WriteString(fit(sender(hdr), senderWidth, true))
	b.WriteByte(' ')
	if s, ok := Get(hdr, "Subject"); ok {
		b.WriteString(fit(decodeText(s), subjectWidth, false))
	} else {
		b.WriteByte(' ')
	}
	out := b.String()
	if n := utf8.RuneCountInString(out); n < fromWidth {
		out += strings.Repeat(" ", fromWidth-n)
	}
	return out
}

// sender is mail_fetchfrom's choice: the display name of the first From
// address that has a host, else mailbox@host; the server's form where a
// store gave it (EnvelopeSenderField).
func sender(hdr []byte) string {
	if v, ok := Get(hdr, EnvelopeSenderField); ok {
		return validUTF8(v)
	}
	for _, e := range envelopeList(hdr, "From") {
		if !e.hasHost {
			continue
		}
		if e.hasPersonal {
			return decodeText(e.personal)
		}
		return validUTF8(e.mailbox + "@" + e.host)
	}
	return ""
}

// fit cuts s to width characters and, with pad, pads it with spaces.
func fit(s string, width int, pad bool) string {
	n := 0
	for i := range s {
		if n == width {
			return s[:i]
		}
		n++
	}
	if pad && n < width {
		s += strings.Repeat(" ", width-n)
	}
	return s
}

// FromLocal returns the mailbox of the first entry of the From list as
// c-client builds it (for a From header starting with a group this is the
// group name), "" if there is none. mailsync prints it in its empty
// Message-ID warning.
func FromLocal(hdr []byte) string {
	for _, e := range envelopeList(hdr, "From") {
		return e.mailbox
	}
	return ""
}

// Subject returns the raw (undecoded, unfolded) first Subject, "" if none.
func Subject(hdr []byte) string {
	s, _ := Get(hdr, "Subject")
	return s
}
