package record

import (
	"errors"
	"fmt"
	"strconv"
)

// Scale is the number of fractional decimal digits a Fixed carries.
const Scale = 8

// One is the Fixed value of 1.
const One Fixed = 100_000_000

// MaxValue is the largest price or quantity bourse accepts (1e9). Larger
// values are rejected with ReasonTooLarge so that products and sums stay far
// from int64 overflow.
const MaxValue Fixed = 1_000_000_000 * One

// Fixed is an exact decimal number: the value is Fixed / 10^Scale.
// Prices and quantities are never floats inside bourse.
type Fixed int64

// Errors returned by ParseFixed.
var (
	ErrNotDecimal = errors.New("not a decimal number")
	ErrTooPrecise = errors.New("more than 8 fractional digits")
	ErrOutOfRange = errors.New("out of range")
)

// ParseFixed parses decimal text such as "15", "15.0", "-0.25" or "1e3"
// exactly. It never goes through float64.
func ParseFixed(s []byte) (Fixed, error) {
	if len(s) == 0 {
		return 0, ErrNotDecimal
	}
	i := 0
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		i++
	}
	var mant uint64
	digits, frac := 0, 0
	seenDot := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if mant > (1<<63-1)/10 {
				return 0, ErrOutOfRange
			}
			mant = mant*10 + uint64(c-'0')
			digits++
			if seenDot {
				frac++
			}
		case c == '.' && !seenDot:
			seenDot = true
		case c == 'e' || c == 'E':
			if digits == 0 {
				return 0, ErrNotDecimal
			}
			exp, err := strconv.Atoi(string(s[i+1:]))
			if err != nil {
				return 0, ErrNotDecimal
			}
			if exp > 30 || exp < -30 {
				return 0, ErrOutOfRange
			}
			frac -= exp
			i = len(s)
		default:
			return 0, ErrNotDecimal
		}
	}
	if digits == 0 {
		return 0, ErrNotDecimal
	}
	// Drop trailing zeros past Scale ("1.000000000" is fine).
	for frac > Scale && mant%10 == 0 {
		mant /= 10
		frac--
	}
	if frac > Scale {
		if mant == 0 {
			frac = Scale
		} else {
			return 0, ErrTooPrecise
		}
	}
	for ; frac < Scale; frac++ {
		if mant > (1<<63-1)/10 {
			return 0, ErrOutOfRange
		}
		mant *= 10
	}
	if mant > 1<<63-1 {
		return 0, ErrOutOfRange
	}
	v := Fixed(mant)
	if neg {
		v = -v
	}
	return v, nil
}

// MustFixed parses s or panics; for constants in code and tests.
func MustFixed(s string) Fixed {
	v, err := ParseFixed([]byte(s))
	if err != nil {
		panic(fmt.Sprintf("record.MustFixed(%q): %v", s, err))
	}
	return v
}

// AppendText appends the decimal text of f with trailing zeros removed but
// at least one fractional digit ("15.0", "15.25"). The text is a valid JSON
// number and parses back to the same value.
func (f Fixed) AppendText(b []byte) []byte {
	u := uint64(f)
	if f < 0 {
		b = append(b, '-')
		u = uint64(-f)
	}
	ip, fp := u/uint64(One), u%uint64(One)
	b = strconv.AppendUint(b, ip, 10)
	b = append(b, '.')
	var buf [Scale]byte
	for i := Scale - 1; i >= 0; i-- {
		buf[i] = byte('0' + fp%10)
		fp /= 10
	}
	n := Scale
	for n > 1 && buf[n-1] == '0' {
		n--
	}
	return append(b, buf[:n]...)
}

// String returns the decimal text of f.
func (f Fixed) String() string { return string(f.AppendText(nil)) }

// Float64 returns f as a float64, for display and derived analytics only.
func (f Fixed) Float64() float64 { return float64(f) / float64(One) }
