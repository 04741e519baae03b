package config

import (
	"math"
	"testing"
)

// The cases marked [V] were checked against 5.2.7 with a 70-byte message:
// a limit below 70 printed "too big", a larger one (or 0) copied it.
func TestParseSizeLimit(t *testing.T) {
	cases := []struct {
		in   string
		want uint64
	}{
		{"100", 100},
		{"0", 0},
		{"", 0},
		{"1", 1},                     // [V] too big
		{"10x", 10},                  // [V] too big
		{"x10", 0},                   // [V] copied
		{"0x10", 0},                  // [V] copied
		{"010", 10},                  // [V] too big: base 10, not octal
		{"+3", 3},                    // [V] too big
		{"-0", 0},                    // [V] copied
		{"-1", math.MaxUint64},       // [V] copied
		{"-5", math.MaxUint64 - 4},   // [V] copied
		{"-18446744073709551615", 1}, // [V] too big
		{"-18446744073709551614", 2}, // [V] too big
		{"-18446744073709551616", math.MaxUint64}, // [V] copied: overflow
		{"18446744073709551615", math.MaxUint64},  // [V] copied
		{"18446744073709551616", math.MaxUint64},  // overflow
		{"99999999999999999999", math.MaxUint64},  // [V] copied
		{"184467440737095516150", math.MaxUint64}, // overflow after the maximum
		{" 5", 5},        // [V] too big
		{"\t+1", 1},      // [V] too big
		{"\n1", 1},       // [V] too big
		{"\v\f\r 7", 7},  // every C space
		{"  + 1", 0},     // [V] copied: no digit after the sign
		{"--1", 0},       // one sign only
		{"\xa01", 0},     // not a C space
		{"12\x0034", 12}, // stops at NUL like c_str()
		{"\x0012", 0},    // empty C string
		{"00000000000000000000000000000000042", 42}, // leading zeros never overflow
	}
	for _, c := range cases {
		if got := parseSizeLimit(c.in); got != c.want {
			t.Errorf("parseSizeLimit(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}
