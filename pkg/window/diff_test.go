package window

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

var allOutputs = Options{Bars: true, SMA: true, Profit: true}

func run(t testing.TB, cfg Config, trades []record.Trade) (*Engine, *output) {
	t.Helper()
	e, err := New(cfg, allOutputs)
	if err != nil {
		t.Fatal(err)
	}
	out := &output{}
	for i := range trades {
		e.Add(&trades[i], out)
	}
	e.Flush(out)
	return e, out
}

// randConfig draws small bars and windows so that many close in a test.
func randConfig(r *rand.Rand) Config {
	bar := int64(1 + r.IntN(10))
	slide := bar * int64(1+r.IntN(4))
	return Config{
		Bar:      bar,
		Slide:    slide,
		Window:   slide + bar*int64(r.IntN(7)),
		Lateness: bar * int64(r.IntN(4)),
		Idle:     -1,
	}
}

var names = []string{"INFY", "ONGC", "RIL", "TCS", "HDFC", "ITC", "SBIN", "WIPRO"}

// randTrades returns time-ordered trades; sparse makes some instruments
// trade rarely, so that they go idle.
func randTrades(r *rand.Rand, cfg Config, n int, sparse bool) []record.Trade {
	ni := 1 + r.IntN(len(names))
	weights := make([]int, ni)
	for i := range weights {
		weights[i] = 10
		if sparse && r.IntN(3) == 0 {
			weights[i] = 1
		}
	}
	total := 0
	for _, w := range weights {
		total += w
	}
	tm := int64(r.IntN(1000))
	out := make([]record.Trade, n)
	for i := range out {
		if r.IntN(50) == 0 {
			tm += cfg.Window * int64(r.IntN(3)) // a gap
		}
		tm += int64(r.IntN(int(cfg.Bar)*2 + 1))
		x := r.IntN(total)
		k := 0
		for x >= weights[k] {
			x -= weights[k]
			k++
		}
		price := record.Fixed(1+r.IntN(500_000)) * record.One / 100
		if r.IntN(4) == 0 {
			price += record.Fixed(r.IntN(100)) // sub-cent digits
		}
		qty := record.Fixed(1+r.IntN(1000)) * record.One
		if r.IntN(5) == 0 {
			qty = record.Fixed(1 + r.IntN(int(record.One)))
		}
		out[i] = record.Trade{TradeID: uint64(i + 1), Instrument: names[k], Price: price, Quantity: qty, Time: tm}
	}
	return out
}

// disorder reorders trades so that each arrives at most cfg.Lateness after
// later ones: no trade can be late.
func disorder(r *rand.Rand, cfg Config, trades []record.Trade) []record.Trade {
	type keyed struct {
		key int64
		t   record.Trade
	}
	ks := make([]keyed, len(trades))
	for i, t := range trades {
		ks[i] = keyed{t.Time + r.Int64N(cfg.Lateness+1), t}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	out := make([]record.Trade, len(ks))
	for i := range ks {
		out[i] = ks[i].t
	}
	return out
}

func compare(t *testing.T, what string, got, want output, profits bool) {
	t.Helper()
	g, w := got.sorted(), want.sorted()
	if !reflect.DeepEqual(g.Bars, w.Bars) {
		t.Fatalf("%s: bars differ\n%s", what, firstDiff(g.Bars, w.Bars))
	}
	if !reflect.DeepEqual(g.SMAs, w.SMAs) {
		t.Fatalf("%s: SMAs differ\n%s", what, firstDiff(g.SMAs, w.SMAs))
	}
	if profits && !reflect.DeepEqual(g.Profits, w.Profits) {
		t.Fatalf("%s: profits differ\n%s", what, firstDiff(g.Profits, w.Profits))
	}
}

func firstDiff[T any](got, want []T) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Sprintf("#%d got  %+v\n#%d want %+v", i, got[i], i, want[i])
		}
	}
	return fmt.Sprintf("got %d records, want %d", len(got), len(want))
}

func TestDifferentialTimeOrdered(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 1))
		cfg := randConfig(r)
		trades := randTrades(r, cfg, 50+r.IntN(600), seed%3 == 0)
		e, got := run(t, cfg, trades)
		if e.Late() != 0 || e.Unranked() != 0 || len(got.Rejects) != 0 {
			t.Fatalf("seed %d: late %d unranked %d rejects %d", seed, e.Late(), e.Unranked(), len(got.Rejects))
		}
		compare(t, fmt.Sprintf("seed %d cfg %+v", seed, cfg), *got, reference(cfg, trades), true)
	}
}

// With Idle >= 0 an instrument may be ranked out of a window; when none
// was (Unranked == 0) the ranks are exact, otherwise the stragglers carry
// Rank 0 and everything else still matches the reference.
func TestDifferentialIdle(t *testing.T) {
	stragglers := 0
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 2))
		cfg := randConfig(r)
		cfg.Idle = int64(r.IntN(int(2 * cfg.Window)))
		trades := randTrades(r, cfg, 50+r.IntN(600), true)
		e, got := run(t, cfg, trades)
		want := reference(cfg, trades)
		what := fmt.Sprintf("seed %d cfg %+v", seed, cfg)
		if e.Unranked() == 0 {
			compare(t, what, *got, want, true)
			continue
		}
		stragglers++
		compare(t, what, *got, want, false)
		g, w := got.sorted(), want.sorted()
		if len(g.Profits) != len(w.Profits) {
			t.Fatalf("%s: %d profits, want %d", what, len(g.Profits), len(w.Profits))
		}
		zero := int64(0)
		for i := range g.Profits {
			gp, wp := g.Profits[i], w.Profits[i]
			if gp.Rank == 0 {
				zero++
			}
			gp.Rank, wp.Rank = 0, 0
			if gp != wp {
				t.Fatalf("%s: profit\n got %+v\nwant %+v", what, g.Profits[i], w.Profits[i])
			}
		}
		if zero != e.Unranked() {
			t.Fatalf("%s: %d records with rank 0, Unranked() = %d", what, zero, e.Unranked())
		}
		checkRanks(t, got.Profits)
	}
	if stragglers == 0 {
		t.Fatal("no seed exercised an idle instrument's late window")
	}
}

// checkRanks asserts that the ranked records of each window carry ranks
// 1..n, ordered by profit then instrument.
func checkRanks(t testing.TB, ps []record.Profit) {
	t.Helper()
	byWin := map[int64][]record.Profit{}
	for _, p := range ps {
		if p.Rank > 0 {
			byWin[p.WindowStart] = append(byWin[p.WindowStart], p)
		}
	}
	for w, list := range byWin {
		slices.SortFunc(list, func(a, b record.Profit) int { return int(a.Rank - b.Rank) })
		for i, p := range list {
			if p.Rank != int64(i+1) {
				t.Fatalf("window %d: ranks %+v are not 1..n", w, list)
			}
			if i == 0 {
				continue
			}
			if q := list[i-1]; p.Profit > q.Profit || p.Profit == q.Profit && p.Instrument < q.Instrument {
				t.Fatalf("window %d: %s ranked below %s", w, p.Instrument, list[i-1].Instrument)
			}
		}
	}
}

func TestDifferentialBoundedDisorder(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 3))
		cfg := randConfig(r)
		cfg.Lateness = cfg.Bar * int64(1+r.IntN(5))
		trades := disorder(r, cfg, randTrades(r, cfg, 50+r.IntN(600), seed%2 == 0))
		e, got := run(t, cfg, trades)
		if e.Late() != 0 {
			t.Fatalf("seed %d: %d late trades within lateness", seed, e.Late())
		}
		compare(t, fmt.Sprintf("seed %d cfg %+v", seed, cfg), *got, reference(cfg, trades), true)
	}
}

// Bars and SMA depend only on each instrument's own trades: feeding the
// instruments one after the other (as separate partitions would) gives the
// same bars and SMA as the interleaved stream.
func TestPerInstrumentWatermark(t *testing.T) {
	for seed := range uint64(100) {
		r := rand.New(rand.NewPCG(seed, 4))
		cfg := randConfig(r)
		trades := randTrades(r, cfg, 300, false)
		grouped := slices.Clone(trades)
		slices.SortStableFunc(grouped, func(a, b record.Trade) int {
			return slices.Index(names, a.Instrument) - slices.Index(names, b.Instrument)
		})
		_, a := run(t, cfg, trades)
		e, b := run(t, cfg, grouped)
		if e.Late() != 0 {
			t.Fatalf("seed %d: regrouping made %d trades late", seed, e.Late())
		}
		compare(t, fmt.Sprintf("seed %d", seed), *b, *a, false)
	}
}

// The same input gives the same output, in the same order.
func TestDeterministicOrder(t *testing.T) {
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 5))
		cfg := randConfig(r)
		cfg.Idle = int64(r.IntN(int(cfg.Window)))
		trades := randTrades(r, cfg, 400, true)
		_, a := run(t, cfg, trades)
		_, b := run(t, cfg, trades)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d: two runs differ", seed)
		}
	}
}

// After every trade no pending window may be ready: the ranker's cheap
// triggers must never miss the moment a window completes.
func TestRankerEmitsAsSoonAsReady(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 8))
		cfg := randConfig(r)
		cfg.Idle = int64(r.IntN(int(2*cfg.Window))) - 1
		trades := randTrades(r, cfg, 400, true)
		if seed%2 == 0 {
			cfg.Lateness = cfg.Bar * 2
			trades = disorder(r, cfg, trades)
		}
		e, err := New(cfg, Options{Profit: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range trades {
			e.Add(&trades[i], record.Discard{})
			if len(e.rk.pending) == 0 {
				continue
			}
			end := e.rk.pending[0].k*cfg.Slide + cfg.Window
			blocked := false
			for _, in := range e.insts {
				if in.wm < end && (cfg.Idle < 0 || e.maxWM-in.wm <= e.idle) {
					blocked = true
				}
			}
			if !blocked {
				t.Fatalf("seed %d trade %d: window ending %d is complete but still pending", seed, i, end)
			}
		}
	}
}
