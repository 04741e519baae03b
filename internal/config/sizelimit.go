package config

import "math"

// parseSizeLimit converts a sizelimit value the way 5.2.7 does, with C's
// strtoul(value, NULL, 10) on a 64-bit unsigned long: leading C whitespace,
// an optional sign, then decimal digits up to the first other byte (or the
// first NUL). No digits give 0; a value too large gives the maximum; a minus
// sign negates modulo 2^64 ("-5" is 18446744073709551611).
func parseSizeLimit(s string) uint64 {
	s = cString(s)
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var v uint64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			return math.MaxUint64
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v
}
