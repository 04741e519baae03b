package mbox

import (
	"sync/atomic"
	"time"
)

// The internal date of an mbox message: c-client's unix_parse copies the
// From_ line's date fields into a string (fromDateString) and hands it to
// mail_parse_date (UW IMAP 2007, mail.c), which fills the message cache's
// date fields; a failure leaves whatever it had set. This file transcribes
// mail_parse_date for those strings, zone table included (the table as
// built without STRICT_RFC822_TIMEZONES and without the optional BST/NST
// names, which is what Debian's libc-client2007e does: MET is +0100, BST
// and NST are unknown). doc/design/mbox.md, "Dates and zones".

// eltDate is the date part of c-client's MESSAGECACHE (bit fields).
type eltDate struct {
	day, month, year        int // year counts from 1970; 0, 0, 0 when unset
	hours, minutes, seconds int
	west                    bool // zoccident
	zhours, zminutes        int
}

// internalDate is the time c-client gives a message whose From_ line has
// the date string date. A date c-client cannot parse at all is the Unix
// epoch (mail_cdate prints "Thu Jan  1 00:00:00 1970 +0000"); one whose
// day is good but whose time is not is that day at 00:00:00 +0000.
// Values c-client stores but a time.Time cannot hold are normalised (Nov
// 31 is Dec 1, 22:13:60 is 22:14:00, -0000 is +0000).
func internalDate(date []byte) time.Time {
	e, _ := parseCDate(date)
	if e.day == 0 {
		return time.Unix(0, 0).In(fixedZone(0))
	}
	off := (e.zhours*60 + e.zminutes) * 60
	if e.west {
		off = -off
	}
	return time.Date(1970+e.year, time.Month(e.month), e.day, e.hours, e.minutes, e.seconds, 0, fixedZone(off))
}

// zones holds one Location per whole-minute offset c-client can express
// (up to 15:59 either way), made on first use: a scan of 100,000 messages
// must not allocate one per message.
var zones [2*16*60 + 1]atomic.Pointer[time.Location]

// fixedZone returns the unnamed zone off seconds east of UTC.
func fixedZone(off int) *time.Location {
	i := off/60 + 16*60
	if off%60 != 0 || i < 0 || i >= len(zones) {
		return time.FixedZone("", off)
	}
	if l := zones[i].Load(); l != nil {
		return l
	}
	l := time.FixedZone("", off)
	zones[i].CompareAndSwap(nil, l)
	return zones[i].Load()
}

// cAt reads a C string: 0 past the end.
func cAt(s []byte, i int) byte {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}

func cDigit(c byte) bool { return c >= '0' && c <= '9' }
func cAlpha(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func cSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// strtoul is C's strtoul(s+i, &end, 10) on a 64-bit unsigned long: white
// space, an optional sign ('-' negates modulo 2^64), digits; no digits
// gives 0 with end = i.
func strtoul(s []byte, i int) (uint64, int) {
	p := i
	for cSpace(cAt(s, p)) {
		p++
	}
	neg := false
	if c := cAt(s, p); c == '+' || c == '-' {
		neg = c == '-'
		p++
	}
	if !cDigit(cAt(s, p)) {
		return 0, i
	}
	var n uint64
	for cDigit(cAt(s, p)) {
		n = n*10 + uint64(cAt(s, p)-'0')
		p++
	}
	if neg {
		n = -n
	}
	return n, p
}

// code3 is c-client's compressed form of a month or zone name.
func code3(a, b, c byte) int { return (int(a)-'A')*1024 + (int(b)-'A')*32 + (int(c) - 'A') }

var monthCodes = map[int]int{
	code3('J', 'A', 'N'): 1, code3('F', 'E', 'B'): 2, code3('M', 'A', 'R'): 3,
	code3('A', 'P', 'R'): 4, code3('M', 'A', 'Y'): 5, code3('J', 'U', 'N'): 6,
	code3('J', 'U', 'L'): 7, code3('A', 'U', 'G'): 8, code3('S', 'E', 'P'): 9,
	code3('O', 'C', 'T'): 10, code3('N', 'O', 'V'): 11, code3('D', 'E', 'C'): 12,
}

// zoneCodes maps c-client's zone codes (a single letter is its own
// value, a name its compressed form) to hours east of UTC.
var zoneCodes = func() map[int]int {
	z := map[int]int{
		('U'-'A')*1024 + ('T'-'A')*32: 0, code3('U', 'T', 'C'): 0, code3('G', 'M', 'T'): 0, 'Z': 0,
		code3('M', 'E', 'T'): 1, code3('E', 'E', 'T'): 2, code3('J', 'S', 'T'): 9,
		code3('A', 'D', 'T'): -3, code3('A', 'S', 'T'): -4, code3('E', 'D', 'T'): -4,
		code3('E', 'S', 'T'): -5, code3('C', 'D', 'T'): -5, code3('C', 'S', 'T'): -6,
		code3('M', 'D', 'T'): -6, code3('M', 'S', 'T'): -7, code3('P', 'D', 'T'): -7,
		code3('P', 'S', 'T'): -8, code3('Y', 'D', 'T'): -8, code3('Y', 'S', 'T'): -9,
		code3('H', 'S', 'T'): -10,
	}
	for i, c := range "ABCDEFGHIKLM" { // military zones, J unused
		z[int(c)] = i + 1
	}
	for i, c := range "NOPQRSTUVWXY" {
		z[int(c)] = -(i + 1)
	}
	return z
}()

// localZone is what c-client does with an unknown zone: the offset of
// local time now (not at the message's date).
func localZone() (west bool, h, m int) {
	_, off := time.Now().Zone()
	mi := off / 60
	if mi < 0 {
		west, mi = true, -mi
	}
	return west, mi / 60, mi % 60
}

// parseCDate is mail_parse_date: it fills e as the C code fills the
// cache element and reports its result (false: NIL, e as far as it got).
func parseCDate(in []byte) (e eltDate, ok bool) {
	if len(in) == 0 || len(in) >= 1024 {
		return e, false
	}
	var buf [32]byte
	s := buf[:0]
	if len(in) > len(buf) {
		s = make([]byte, 0, len(in))
	}
	s = s[:len(in)]
	for i, c := range in {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		s[i] = c
		if c == 0 { // a C string ends here
			s = s[:i]
			break
		}
	}
	at := func(i int) byte { return cAt(s, i) }
	p := 0
	if cAlpha(at(0)) && cAlpha(at(1)) && cAlpha(at(2)) && at(3) == ',' && at(4) == ' ' {
		p = 5
	}
	for at(p) == ' ' {
		p++
	}
	var d, m, y uint64
	if m, p = strtoul(s, p); m == 0 {
		return e, false
	}
	compact := false
	switch at(p) {
	case '/': // mm/dd/yy
		p++
		if !cDigit(at(p)) {
			return e, false
		}
		if d, p = strtoul(s, p); d == 0 || at(p) != '/' {
			return e, false
		}
		p++
		if !cDigit(at(p)) {
			return e, false
		}
		if y, p = strtoul(s, p); at(p) != 0 {
			return e, false
		}
	case ' ', '-':
		if at(p) == ' ' {
			for at(p+1) == ' ' {
				p++
			}
		}
		if cDigit(at(p + 1)) { // ISO 8601 yyyy-mm-dd, no time
			y = m
			if m, p = strtoul(s, p+1); m == 0 {
				return e, false
			}
			p++
			if at(p-1) != '-' {
				return e, false
			}
			if d, p = strtoul(s, p); d == 0 || at(p) != 0 {
				return e, false
			}
			break
		}
		d = m
		if len(s)-p < 5 {
			return e, false
		}
		mon, known := monthCodes[code3(at(p+1), at(p+2), at(p+3))]
		if !known {
			return e, false
		}
		m = uint64(mon)
		if at(p+4) == at(p) {
			p += 5
		} else {
			delim := at(p)
			for p += 4; cAlpha(at(p)); p++ {
			}
			p++
			if delim != at(p-1) {
				return e, false
			}
		}
		for at(p) == ' ' {
			p++
		}
		compact = true
		if cDigit(at(p)) {
			if y, p = strtoul(s, p); at(p) == 0 || at(p) == ' ' {
				compact = false
			}
		}
	case 0:
		compact = true
	default:
		return e, false
	}
	if compact { // ISO 8601 yyyymmdd
		if m < 1970*10000 {
			return e, false
		}
		y = m / 10000
		m %= 10000
		d = m % 100
		m /= 100
	}
	if d > 31 || m > 12 {
		return e, false
	}
	if y < 49 {
		y += 2000
	} else if y < 999 {
		y += 1900
	}
	if y < 1970 || y > 1970+127 {
		return e, false
	}
	e.day, e.month, e.year = int(d), int(m), int(y-1970)
	ms := 0
	if at(p) != 0 {
		var h, mi, sec uint64
		h, p = strtoul(s, p+1)
		if at(p) != ':' {
			return e, false
		}
		mi, p = strtoul(s, p+1)
		if at(p) == ':' {
			sec, p = strtoul(s, p+1)
		}
		if h > 23 || mi > 59 || sec > 60 {
			return e, false
		}
		e.hours, e.minutes, e.seconds = int(h), int(mi), int(sec)
		symbolic := false
		switch at(p) {
		case ' ':
			for at(p+1) == ' ' {
				p++
			}
			if !cAlpha(at(p + 1)) {
				p++
				if e.west = at(p) == '-'; e.west || at(p) == '+' {
					p++
				}
				if cDigit(at(p)) && cDigit(at(p+1)) && cDigit(at(p+2)) && at(p+2) < '6' && cDigit(at(p+3)) {
					e.zhours = int((at(p)-'0')*10+(at(p+1)-'0')) & 15
					e.zminutes = int((at(p+2)-'0')*10 + (at(p+3) - '0'))
				}
				return e, true
			}
			symbolic = true
		case '-':
			symbolic = true
		}
		if symbolic {
			p++
			if ms = int(at(p)); ms == 0 {
				ms = 'Z'
			} else if p++; at(p) != 0 {
				ms = (ms-'A')*1024 + (int(at(p))-'A')*32
				p++
				if at(p) != 0 {
					ms += int(at(p)) - 'A'
					p++
				}
				if at(p) != 0 {
					ms = 0
				}
			}
		}
	}
	if h, known := zoneCodes[ms]; known {
		e.west, e.zhours = h < 0, max(h, -h)
	} else {
		e.west, e.zhours, e.zminutes = localZone()
		e.zhours &= 15
	}
	return e, true
}
