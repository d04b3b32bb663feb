package window

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// TestRankerWaitingCount checks the count that spares rankReady a pass
// over every instrument: after every step of random streams (expected and
// new instruments, late and disordered trades, idle or never idle, restores
// mid-stream) it equals the number of instruments below the ranker's end.
func TestRankerWaitingCount(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 99))
		cfg := randConfig(r)
		switch r.IntN(3) {
		case 0:
			cfg.Idle = 0
		case 1:
			cfg.Idle = 1 + r.Int64N(cfg.Window*2)
		}
		ni := 1 + r.IntN(60)
		var expect []string
		if r.IntN(2) == 0 {
			for i := range ni + r.IntN(3) {
				if r.IntN(3) > 0 {
					expect = append(expect, fmt.Sprintf("I%d", i))
				}
			}
		}
		e, err := New(cfg, Options{Profit: true})
		if err != nil {
			t.Fatal(err)
		}
		e.Expect(expect...)
		var out output
		tm := int64(r.IntN(1000))
		for i := range 2000 {
			if r.IntN(80) == 0 {
				tm += cfg.Window * int64(r.IntN(3))
			}
			tm += int64(r.IntN(int(cfg.Bar)*2 + 1))
			ts := tm - r.Int64N(cfg.Lateness+1)
			if r.IntN(30) == 0 {
				ts -= r.Int64N(cfg.Window * 2) // late, or not
			}
			if r.IntN(400) == 0 {
				n, _ := New(cfg, Options{Profit: true})
				if err := n.Restore(e.Snapshot(nil)); err != nil {
					t.Fatalf("seed %d: restore: %v", seed, err)
				}
				e = n
			}
			k := r.IntN(ni)
			if k%4 == 0 && r.IntN(10) > 0 {
				k = r.IntN(ni) // some instruments trade rarely and go idle
			}
			e.Add(&record.Trade{TradeID: uint64(i + 1), Instrument: fmt.Sprintf("I%d", k),
				Price: record.Fixed(1+r.IntN(5000)) * record.One / 100, Quantity: record.One, Time: ts}, &out)
			rk := &e.rk
			if rk.end == math.MaxInt64 {
				continue
			}
			want := 0
			for _, in := range e.insts {
				if in.wm < rk.end {
					want++
				}
			}
			if rk.waiting != want {
				t.Fatalf("seed %d (config %+v), after trade %d: expected %d instruments below the ranker's end %d, the count says %d",
					seed, cfg, i+1, want, rk.end, rk.waiting)
			}
		}
		checkRanks(t, out.Profits)
	}
}
