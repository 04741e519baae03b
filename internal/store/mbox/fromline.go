package mbox

import (
	"time"
)

// fromInfo is what validFrom learns from a From_ line.
type fromInfo struct {
	ok   bool
	date time.Time // zero when the date fields cannot be parsed
}

// at returns line[i] or 0 when i is out of range (the C code this mirrors
// reads raw memory; we never do).
func at(line []byte, i int) byte {
	if i < 0 || i >= len(line) {
		return 0
	}
	return line[i]
}

// validFrom reports whether line (one line including its LF) is a From_
// line by c-client's rules (the VALID macro of UW IMAP 2007): "From " +
// sender + a ctime-like date "www mmm dd hh:mm[:ss] [zone] yyyy [zone]",
// optionally followed by " remote from HOST". A CR before the LF makes the
// line invalid, exactly as in c-client.
func validFrom(line []byte) fromInfo {
	if len(line) < 5 || string(line[:5]) != "From " {
		return fromInfo{}
	}
	x := -1
	for i := 5; i < len(line); i++ {
		if line[i] == '\n' {
			x = i
			break
		}
	}
	if x < 0 {
		return fromInfo{}
	}
	c := func(k int) byte { return at(line, x+k) }
	if x >= 41 {
		zn := -1
		for x+zn > 0 && c(zn) != ' ' {
			zn--
		}
		if x+zn-12 >= 0 && string(line[x+zn-12:x+zn]) == " remote from" {
			x += zn - 12
		}
	}
	if x < 27 {
		return fromInfo{}
	}
	ti, zn := 0, 0
	switch {
	case c(-5) == ' ':
		if c(-8) == ':' {
			zn, ti = 0, -5
		} else if c(-9) == ' ' {
			ti, zn = -9, -9
		} else if c(-11) == ' ' && (c(-10) == '+' || c(-10) == '-') {
			ti, zn = -11, -11
		}
	case c(-4) == ' ':
		if c(-9) == ' ' {
			zn, ti = -4, -9
		}
	case c(-6) == ' ':
		if c(-11) == ' ' && (c(-5) == '+' || c(-5) == '-') {
			zn, ti = -6, -11
		}
	}
	if ti == 0 || c(ti-3) != ':' {
		return fromInfo{}
	}
	if c(ti-6) == ':' {
		ti -= 9
	} else {
		ti -= 6
	}
	if c(ti) != ' ' || c(ti-3) != ' ' || c(ti-7) != ' ' || c(ti-11) != ' ' {
		return fromInfo{}
	}
	return fromInfo{ok: true, date: fromDate(line, x, ti, zn)}
}

var months = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

var zoneNames = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
	"MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}

// fromDate builds the internal date from the fields validFrom located, the
// way c-client's unix_parse does (no zone means local time).
func fromDate(line []byte, x, ti, zn int) time.Time {
	c := func(k int) byte { return at(line, x+k) }
	num := func(bs ...byte) (int, bool) {
		n, seen := 0, false
		for _, b := range bs {
			switch {
			case b == ' ' && !seen:
			case b >= '0' && b <= '9':
				n, seen = n*10+int(b-'0'), true
			default:
				return 0, false
			}
		}
		return n, seen
	}
	day, ok1 := num(c(ti-2), c(ti-1))
	mon, ok2 := months[string([]byte{c(ti-6) | 0x20, c(ti-5) | 0x20, c(ti-4) | 0x20})]
	hh, ok3 := num(c(ti+1), c(ti+2))
	mm, ok4 := num(c(ti+4), c(ti+5))
	ss := 0
	ok5 := true
	ti += 6
	if c(ti) == ':' {
		ss, ok5 = num(c(ti+1), c(ti+2))
		ti += 3
	}
	if zn == ti && zn != 0 {
		if c(zn+1) == '+' || c(zn+1) == '-' {
			ti += 6
		} else {
			ti += 4
		}
	}
	year, ok6 := num(c(ti+1), c(ti+2), c(ti+3), c(ti+4))
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}
	}
	loc := time.Local
	if zn != 0 {
		z := line[x+zn+1:]
		if len(z) >= 5 && (z[0] == '+' || z[0] == '-') {
			h, okh := num(z[1], z[2])
			m, okm := num(z[3], z[4])
			if okh && okm {
				off := (h*60 + m) * 60
				if z[0] == '-' {
					off = -off
				}
				loc = time.FixedZone("", off)
			}
		} else if len(z) >= 3 {
			name := string(z[:3])
			if z[2] == ' ' || z[2] == '\n' {
				name = string(z[:2])
			}
			if h, ok := zoneNames[name]; ok {
				loc = time.FixedZone(name, h*3600)
			}
		}
	}
	return time.Date(year, mon, day, hh, mm, ss, 0, loc)
}
