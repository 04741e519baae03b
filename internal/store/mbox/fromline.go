package mbox

import (
	"time"
)

// fromInfo is what validFrom learns from a From_ line.
type fromInfo struct {
	ok   bool
	date time.Time // the internal date, as c-client's unix_parse sets it
}

// at returns line[i] or 0 when i is out of range (the C code this mirrors
// reads raw memory; we never do). No line validFrom accepts makes it read
// outside the line: see doc/design/mbox.md, "Which From_ lines start a
// message".
func at(line []byte, i int) byte {
	if i < 0 || i >= len(line) {
		return 0
	}
	return line[i]
}

// validFrom reports whether line (one line including its LF) is a From_
// line by c-client's rules (the VALID macro of UW IMAP 2007, unix.h):
// "From " + sender + a ctime-like date "www mmm dd hh:mm[:ss] [zone] yyyy
// [zone]", optionally followed by " remote from HOST". One CR before the
// LF is ignored (files written on Windows, e.g. Thunderbird's
// "From - Tue Nov 14 22:13:21 2023\r\n"); a NUL before the LF makes the
// line invalid (the C scan stops there). doc/design/mbox.md, "Which From_
// lines start a message".
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
		if line[i] == 0 {
			return fromInfo{}
		}
	}
	if x < 0 {
		return fromInfo{}
	}
	if line[x-1] == '\r' {
		x--
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
	d, n := fromDateString(line, x, ti, zn)
	return fromInfo{ok: true, date: internalDate(d[:n])}
}

// fromDateString is the "plausible IMAPish date string" unix_parse builds
// from the fields validFrom located (x: end of the date, ti: the space
// before the time, zn: the space before the zone or 0):
// "dd-mmm-yyyy hh:mm:ss-ZZZ" for a named zone (LCL when there is none),
// "dd-mmm-yyyy hh:mm:ss +hhmm" for a numeric one. The bytes are copied
// unchecked, as in C.
func fromDateString(line []byte, x, ti, zn int) (d [26]byte, n int) {
	c := func(k int) byte { return at(line, x+k) }
	d[2], d[6], d[20], d[11] = '-', '-', '-', ' '
	d[14], d[17] = ':', ':'
	d[0], d[1] = c(ti-2), c(ti-1)
	d[3], d[4], d[5] = c(ti-6), c(ti-5), c(ti-4)
	d[12], d[13] = c(ti+1), c(ti+2)
	d[15], d[16] = c(ti+4), c(ti+5)
	ti += 6
	if c(ti) == ':' {
		d[18], d[19] = c(ti+1), c(ti+2)
		ti += 3
	} else {
		d[18], d[19] = '0', '0'
	}
	if zn == ti {
		if c(zn+1) == '+' || c(zn+1) == '-' {
			ti += 6
		} else {
			ti += 4
		}
	}
	d[7], d[8], d[9], d[10] = c(ti+1), c(ti+2), c(ti+3), c(ti+4)
	z := []byte("LCL")
	if zn != 0 {
		z = line[x+zn+1:]
	}
	d[21], d[22], d[23] = at(z, 0), at(z, 1), at(z, 2)
	if d[21] != '+' && d[21] != '-' {
		return d, 24
	}
	d[24], d[25] = at(z, 3), at(z, 4)
	d[20] = ' '
	return d, 26
}
