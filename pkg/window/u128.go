package window

import (
	"math"
	"math/bits"
)

// u128 is an unsigned 128-bit integer, used for exact sums of products and
// of many prices; no big.Int on the hot path.
type u128 struct{ hi, lo uint64 }

func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}
}

func (a u128) add64(x uint64) u128 {
	lo, c := bits.Add64(a.lo, x, 0)
	return u128{a.hi + c, lo}
}

// addMul returns a + x*y.
func (a u128) addMul(x, y uint64) u128 {
	hi, lo := bits.Mul64(x, y)
	return a.add(u128{hi, lo})
}

// less reports a < b.
func (a u128) less(b u128) bool {
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo)
}

// sub returns a - b for a >= b.
func (a u128) sub(b u128) u128 {
	lo, br := bits.Sub64(a.lo, b.lo, 0)
	hi, _ := bits.Sub64(a.hi, b.hi, br)
	return u128{hi, lo}
}

// divRound returns a/d rounded half to even. A quotient that does not fit
// an int64 (impossible for sums the Engine builds) saturates to MaxInt64,
// and d == 0 gives 0: never a panic.
func divRound(a u128, d uint64) int64 {
	if d == 0 {
		return 0
	}
	if a.hi >= d {
		return math.MaxInt64
	}
	q, r := bits.Div64(a.hi, a.lo, d)
	if h := d - r; r > h || (r == h && q&1 == 1) {
		q++
	}
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// diffDivRound returns (a-b)/d rounded half to even (symmetric around 0).
func diffDivRound(a, b u128, d uint64) int64 {
	if a.less(b) {
		return -divRound(b.sub(a), d)
	}
	return divRound(a.sub(b), d)
}
