package record

import (
	"math"
	"testing"
)

func TestParseFixed(t *testing.T) {
	tests := []struct {
		in   string
		want Fixed
		err  error
	}{
		{"15", 15 * One, nil},
		{"15.0", 15 * One, nil},
		{"15.25", MustFixed("15.25"), nil},
		{"-0.25", -One / 4, nil},
		{"+2", 2 * One, nil},
		{"0", 0, nil},
		{"-0", 0, nil},
		{"0.00000001", 1, nil},
		{"1e3", 1000 * One, nil},
		{"1E+3", 1000 * One, nil},
		{"2.5e-1", One / 4, nil},
		{"15e-9", 0, ErrTooPrecise},
		{"150e-9", 15, nil},
		{"1.000000000", One, nil},
		{"1.0000000000000000000000000000000000", One, nil},
		{"0000000000000000000000000000000001.5", One + One/2, nil},
		{"0e999999999999", 0, nil},
		{"1e999999999999", 0, ErrOutOfRange},
		{"1e-999999999999", 0, ErrTooPrecise},
		{"0.000000001", 0, ErrTooPrecise},
		{"92233720368.54775807", math.MaxInt64, nil},
		{"92233720368.54775808", 0, ErrOutOfRange},
		{"-92233720368.54775808", math.MinInt64, nil},
		{"-92233720368.54775809", 0, ErrOutOfRange},
		{"99999999999999999999999", 0, ErrOutOfRange},
		{"", 0, ErrNotDecimal},
		{"-", 0, ErrNotDecimal},
		{".", 0, ErrNotDecimal},
		{"e5", 0, ErrNotDecimal},
		{"1e", 0, ErrNotDecimal},
		{"1e+", 0, ErrNotDecimal},
		{"1.2.3", 0, ErrNotDecimal},
		{"abc", 0, ErrNotDecimal},
		{"1 ", 0, ErrNotDecimal},
		{"0x10", 0, ErrNotDecimal},
	}
	for _, tt := range tests {
		got, err := ParseFixed([]byte(tt.in))
		if got != tt.want || err != tt.err {
			t.Errorf("ParseFixed(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFixedAppendTextRoundTrip(t *testing.T) {
	for _, f := range []Fixed{0, 1, -1, One, -One, MaxValue, -MaxValue, math.MaxInt64, math.MinInt64, 123456789, 1500 * One} {
		txt := f.AppendText(nil)
		back, err := ParseFixed(txt)
		if err != nil || back != f {
			t.Errorf("%d -> %q -> %d, %v", f, txt, back, err)
		}
	}
	if s := MustFixed("15").String(); s != "15.0" {
		t.Errorf("String() = %q, want 15.0", s)
	}
	if s := MustFixed("15.250").String(); s != "15.25" {
		t.Errorf("String() = %q, want 15.25", s)
	}
}

func TestParseUint(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		neg  bool
		err  error
	}{
		{"7", 7, false, nil},
		{"7.0", 7, false, nil},
		{"7.5", 0, false, errNotWhole},
		{"1.5e1", 15, false, nil},
		{"1e3", 1000, false, nil},
		{"-3", 0, true, nil},
		{"18446744073709551615", math.MaxUint64, false, nil},
		{"18446744073709551616", 0, false, ErrOutOfRange},
		{"1e20", 0, false, ErrOutOfRange},
		{"x", 0, false, ErrNotDecimal},
	}
	for _, tt := range tests {
		got, neg, err := parseUint([]byte(tt.in))
		if got != tt.want || neg != tt.neg || err != tt.err {
			t.Errorf("parseUint(%q) = %d, %v, %v; want %d, %v, %v", tt.in, got, neg, err, tt.want, tt.neg, tt.err)
		}
	}
}
