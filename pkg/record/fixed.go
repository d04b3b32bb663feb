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
// exactly. It never goes through float64. Trailing zeros beyond Scale are
// fine ("1.000000000"); significant digits beyond Scale are ErrTooPrecise;
// values outside the int64 range of Fixed are ErrOutOfRange.
func ParseFixed(s []byte) (Fixed, error) {
	mant, exp, neg, err := parseDecimal(s)
	if err != nil {
		return 0, err
	}
	if mant == 0 {
		return 0, nil
	}
	shift := exp + Scale
	if shift < 0 {
		return 0, ErrTooPrecise
	}
	if shift > 19 {
		return 0, ErrOutOfRange
	}
	for ; shift > 0; shift-- {
		if mant > (1<<64-1)/10 {
			return 0, ErrOutOfRange
		}
		mant *= 10
	}
	if neg {
		if mant > 1<<63 {
			return 0, ErrOutOfRange
		}
		return Fixed(-int64(mant-1) - 1), nil
	}
	if mant > 1<<63-1 {
		return 0, ErrOutOfRange
	}
	return Fixed(mant), nil
}

// parseDecimal splits decimal text into value = mant * 10^exp with the
// trailing zeros of mant stripped (mant == 0 gives exp == 0). It accepts an
// optional sign, digits with at most one '.', and an optional exponent.
func parseDecimal(s []byte) (mant uint64, exp int, neg bool, err error) {
	i := 0
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		i++
	}
	digits, zeros := 0, 0
	seenDot := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if seenDot {
				exp--
			}
			if c == '0' {
				if mant != 0 {
					zeros++
				}
				continue
			}
			for ; zeros > 0; zeros-- {
				if mant > (1<<64-1)/10 {
					return 0, 0, neg, ErrOutOfRange
				}
				mant *= 10
			}
			d := uint64(c - '0')
			if mant > (1<<64-1-d)/10 {
				return 0, 0, neg, ErrOutOfRange
			}
			mant = mant*10 + d
		case c == '.' && !seenDot:
			seenDot = true
		case (c == 'e' || c == 'E') && digits > 0:
			e, ok := parseExponent(s[i+1:])
			if !ok {
				return 0, 0, neg, ErrNotDecimal
			}
			exp += e
			i = len(s)
		default:
			return 0, 0, neg, ErrNotDecimal
		}
	}
	if digits == 0 {
		return 0, 0, neg, ErrNotDecimal
	}
	if mant == 0 {
		return 0, 0, neg, nil
	}
	return mant, exp + zeros, neg, nil
}

// parseExponent parses [+-]digits, clamping the magnitude at 1e9.
func parseExponent(s []byte) (int, bool) {
	i := 0
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		i++
	}
	if i == len(s) {
		return 0, false
	}
	e := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if e < 1e9 {
			e = e*10 + int(c-'0')
		}
	}
	if neg {
		e = -e
	}
	return e, true
}

// parseUint parses decimal text that must denote a whole number >= 0 that
// fits in uint64 ("5", "5.0", "5e3"). Negative non-zero values give ok=false
// with neg=true so callers can say "non-positive".
func parseUint(s []byte) (v uint64, neg bool, err error) {
	mant, exp, neg, err := parseDecimal(s)
	if err != nil {
		return 0, neg, err
	}
	if mant == 0 {
		return 0, false, nil
	}
	if neg {
		return 0, true, nil
	}
	if exp < 0 {
		return 0, false, errNotWhole
	}
	if exp > 19 {
		return 0, false, ErrOutOfRange
	}
	for ; exp > 0; exp-- {
		if mant > (1<<64-1)/10 {
			return 0, false, ErrOutOfRange
		}
		mant *= 10
	}
	return mant, false, nil
}

var errNotWhole = errors.New("not a whole number")

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
