package window

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func (a u128) big() *big.Int {
	v := new(big.Int).SetUint64(a.hi)
	v.Lsh(v, 64)
	return v.Or(v, new(big.Int).SetUint64(a.lo))
}

func TestDivRoundMatchesBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	type tc struct {
		a u128
		d uint64
	}
	cases := []tc{
		{u128{0, 5}, 2}, {u128{0, 7}, 2}, {u128{0, 15}, 10}, {u128{0, 25}, 10}, {u128{0, 0}, 3},
		{u128{0, math.MaxUint64}, math.MaxUint64}, {u128{1, 0}, 3}, {u128{2, 1}, 4},
	}
	for range 20000 {
		d := r.Uint64N(1<<40) + 1
		if r.IntN(3) == 0 {
			d = r.Uint64() | 1<<62
		}
		// exact halves, and arbitrary 128-bit numerators below d<<64
		half := r.Uint64N(1<<20)*d + d/2
		cases = append(cases, tc{u128{0, half}, d}, tc{u128{r.Uint64N(d), r.Uint64()}, d})
	}
	for _, c := range cases {
		if c.d == 0 || c.a.hi >= c.d {
			continue
		}
		want := roundHalfEven(c.a.big(), new(big.Int).SetUint64(c.d))
		if c.a.big().Cmp(new(big.Int).Mul(big.NewInt(math.MaxInt64), new(big.Int).SetUint64(c.d))) > 0 {
			continue // quotient beyond int64: saturates
		}
		if got := divRound(c.a, c.d); got != int64(want) {
			t.Fatalf("%v / %d = %d, want %d", c.a.big(), c.d, got, want)
		}
	}
}

func TestDivRoundNeverPanics(t *testing.T) {
	if divRound(u128{1, 0}, 0) != 0 || divRound(u128{5, 0}, 5) != math.MaxInt64 || divRound(u128{0, math.MaxUint64}, 1) != math.MaxInt64 {
		t.Fatal("edge cases")
	}
	if got := diffDivRound(u128{0, 3}, u128{0, 8}, 2); got != -2 { // -2.5 -> -2
		t.Fatalf("diff -5/2 = %d", got)
	}
	if got := diffDivRound(u128{1, 0}, u128{0, 1}, 1<<63); got != 2 { // (2^64-1)/2^63 = 1.99.. -> 2
		t.Fatalf("diff = %d", got)
	}
}
