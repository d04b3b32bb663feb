package book

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

var benchInst = record.Instrument{Symbol: "BNCH", TickSize: record.MustFixed("0.01"), LotSize: record.One}

const (
	benchMid     = 100_000 // ticks
	benchHalf    = 250     // levels per side at seeding
	benchPerLvl  = 20      // orders per level at seeding
	benchResting = 2 * benchHalf * benchPerLvl
	benchStream  = 1 << 17 // pre-generated orders, replayed in a loop
)

// counter is the cheapest Emitter: it counts what it gets.
type counter struct{ trades, events, rejects int }

func (c *counter) Emit(r record.Record) {
	switch r := r.(type) {
	case *record.Trade:
		c.trades++
	case *record.Event:
		c.events++
		if r.Type == record.Rejected {
			c.rejects++
		}
	}
}

// benchWorkload returns a snapshot of the seeded book (10,000 orders over
// 500 levels) and a stream that, replayed from that snapshot, is the mix:
// 60% LIMIT GTC (about 30% of them crossing), 25% CANCEL of a resting
// order, 10% IOC and 5% MARKET. The stream is generated against a live book
// so that every cancel hits a resting order and the book stays near 10,000
// orders; replaying it is deterministic.
func benchWorkload(tb testing.TB) (seed []byte, stream []record.Order) {
	rng := rand.New(rand.NewPCG(42, 4242))
	traders := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}
	b := New(benchInst, PriceTime, benchResting*2)
	var h counter
	id := uint64(0)
	var ids []uint64 // candidate ids for cancels
	mk := func(side record.Side, typ record.OrderType, tif record.TimeInForce, ticks, lots int64) record.Order {
		id++
		return record.Order{
			ID: id, Instrument: benchInst.Symbol, Side: side, Type: typ, TIF: tif, Action: record.New,
			Price: record.Fixed(ticks) * benchInst.TickSize, Quantity: record.Fixed(lots) * benchInst.LotSize,
			Ticks: ticks, Lots: lots, Time: 1_700_000_000_000 + int64(id), TraderID: traders[id%8],
		}
	}
	for lvl := int64(1); lvl <= benchHalf; lvl++ {
		for range benchPerLvl {
			o := mk(record.Buy, record.Limit, record.GTC, benchMid-lvl, 1+rng.Int64N(20))
			b.Submit(&o, &h)
			ids = append(ids, o.ID)
			o = mk(record.Sell, record.Limit, record.GTC, benchMid+lvl, 1+rng.Int64N(20))
			b.Submit(&o, &h)
			ids = append(ids, o.ID)
		}
	}
	seed = b.Snapshot(nil)
	stream = make([]record.Order, 0, benchStream)
	for len(stream) < benchStream {
		side := record.Side(1 + rng.IntN(2))
		bt, _, _ := b.BestBid()
		at, _, _ := b.BestAsk()
		opp := at
		if side == record.Sell {
			opp = bt
		}
		aggressive := func() int64 { // at or through the opposite best
			if side == record.Buy {
				return opp + rng.Int64N(3)
			}
			return max(1, opp-rng.Int64N(3))
		}
		var o record.Order
		switch r := rng.IntN(100); {
		case r < 60:
			cross := 30
			if b.Len() > benchResting+500 {
				cross = 40
			} else if b.Len() < benchResting-500 {
				cross = 20
			}
			if opp != 0 && rng.IntN(100) < cross {
				o = mk(side, record.Limit, record.GTC, aggressive(), 1+rng.Int64N(10))
			} else {
				off := 1 + rng.Int64N(benchHalf)
				if side == record.Sell {
					off = -off
				}
				o = mk(side, record.Limit, record.GTC, benchMid-off, 1+rng.Int64N(20))
			}
			ids = append(ids, o.ID)
		case r < 85:
			for {
				i := rng.IntN(len(ids))
				if _, _, _, ok := b.Resting(ids[i]); ok {
					o = record.Order{ID: ids[i], Instrument: benchInst.Symbol, Action: record.Cancel, Side: record.Buy,
						Time: 1_700_000_000_000 + int64(id), TraderID: traders[ids[i]%8]} // the owner cancels
					break
				}
				ids[i] = ids[len(ids)-1]
				ids = ids[:len(ids)-1]
			}
		case r < 95:
			if opp == 0 {
				opp = benchMid
			}
			o = mk(side, record.Limit, record.IOC, aggressive(), 1+rng.Int64N(10))
		default:
			o = mk(side, record.Market, record.GTC, 0, 1+rng.Int64N(10))
		}
		b.Submit(&o, &h)
		stream = append(stream, o)
	}
	if h.rejects != 0 {
		tb.Fatalf("workload generation produced %d rejects", h.rejects)
	}
	if n := b.Len(); n < benchResting/2 || n > benchResting*2 {
		tb.Fatalf("book drifted to %d resting orders", n)
	}
	return seed, stream
}

// BenchmarkBookMix measures the realistic mix against a book of about
// 10,000 resting orders over about 500 levels, three ways: Apply with a
// Listener that does nothing (lean-nop), Apply with one that counts
// (lean-count), and Submit building every record.Trade and record.Event
// for a Handler that counts (records, the match job's path). It reports
// orders/s of wall time and of CPU time (the process's, restores excluded),
// and the p50/p99 latency of single orders, sampled every 64th order and
// corrected for the cost of reading the clock.
func BenchmarkBookMix(b *testing.B) {
	seed, stream := benchWorkload(b)
	lean := leanOrders(stream)
	for _, mode := range []string{"lean-nop", "lean-count", "records"} {
		b.Run(mode, func(b *testing.B) {
			bk := New(benchInst, PriceTime, benchResting)
			if err := bk.Restore(seed); err != nil {
				b.Fatal(err)
			}
			var l Listener = nopListener{}
			var lc leanCounter
			if mode == "lean-count" {
				l = &lc
			}
			records := mode == "records"
			var h counter
			samples := make([]int64, 0, b.N/64+1)
			overhead := clockOverhead()
			benchReplay(b, bk, seed, len(stream), func(i, j int) {
				var t0 time.Time
				if i&63 == 0 {
					t0 = time.Now()
				}
				if records {
					bk.Submit(&stream[j], &h)
				} else {
					bk.Apply(&lean[j], l)
				}
				if i&63 == 0 {
					samples = append(samples, int64(time.Since(t0))-overhead)
				}
			})
			if h.rejects+lc.rejects != 0 {
				b.Fatalf("%d rejects in the replay", h.rejects+lc.rejects)
			}
			slices.Sort(samples)
			b.ReportMetric(float64(max(0, samples[len(samples)/2])), "p50-ns")
			b.ReportMetric(float64(max(0, samples[len(samples)*99/100])), "p99-ns")
			if mode != "lean-nop" {
				b.ReportMetric(float64(h.trades+lc.trades)/float64(b.N), "trades/order")
			}
		})
	}
}

// benchReplay is the loop of the mix benchmarks: b.N calls of apply(i, j)
// for the orders j of a stream of n, from 0, restoring seed into bk each
// time the stream is used up (outside the timer and the CPU time). It
// reports orders/s of wall time and of CPU time (the process's, restores
// excluded; on a busy machine the steadier figure).
func benchReplay(b *testing.B, bk *Book, seed []byte, n int, apply func(i, j int)) {
	runtime.GC() // not the garbage of generating the stream, during the first run
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuNanos()
	j := 0
	for i := range b.N {
		if j == n {
			b.StopTimer()
			c0 := cpuNanos()
			if err := bk.Restore(seed); err != nil {
				b.Fatal(err)
			}
			cpu += cpuNanos() - c0
			j = 0
			b.StartTimer()
		}
		apply(i, j)
		j++
	}
	b.StopTimer()
	cpu = cpuNanos() - cpu
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	if cpu > 0 {
		b.ReportMetric(float64(b.N)/(float64(cpu)/1e9), "orders/cpu-s")
	}
}

// nopListener is the cheapest Listener: it does nothing. (Book's own nop
// is what Apply uses for nil; this one is the embedder's view.)
type nopListener struct{}

func (nopListener) OnTrade(*Trade) {}
func (nopListener) OnEvent(*Event) {}

// leanCounter counts lean reports.
type leanCounter struct{ trades, events, rejects int }

func (c *leanCounter) OnTrade(*Trade) { c.trades++ }
func (c *leanCounter) OnEvent(e *Event) {
	c.events++
	if e.Type == record.Rejected {
		c.rejects++
	}
}

// leanOrders converts a stream of wire orders (NEW and CANCEL only) to
// Apply's Orders, tagged with their position.
func leanOrders(stream []record.Order) []Order {
	out := make([]Order, len(stream))
	for i := range stream {
		o := &stream[i]
		out[i] = Order{Tag: uint64(i), ID: o.ID, Ticks: o.Ticks, Lots: o.Lots, Time: o.Time, ExpiresAt: o.ExpiresAt,
			TraderID: o.TraderID, Side: o.Side, Type: o.Type, TIF: o.TIF, Action: o.Action}
	}
	return out
}

// clockOverhead is the median cost of an empty time.Now/time.Since pair.
func clockOverhead() int64 {
	d := make([]int64, 1001)
	for i := range d {
		t0 := time.Now()
		d[i] = int64(time.Since(t0))
	}
	slices.Sort(d)
	return d[len(d)/2]
}

// BenchmarkDepth measures the top 10 levels of one side of the seeded book.
func BenchmarkDepth(b *testing.B) {
	seed, _ := seedOnly(b)
	bk := New(benchInst, PriceTime, benchResting)
	if err := bk.Restore(seed); err != nil {
		b.Fatal(err)
	}
	dst := make([]Level, 0, 10)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		dst = bk.Depth(record.Side(1+i&1), 10, dst[:0])
	}
	if len(dst) != 10 {
		b.Fatalf("depth %d levels", len(dst))
	}
}

// BenchmarkSnapshot measures encoding the seeded book.
func BenchmarkSnapshot(b *testing.B) {
	seed, _ := seedOnly(b)
	bk := New(benchInst, PriceTime, benchResting)
	if err := bk.Restore(seed); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 2*len(seed))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		buf = bk.Snapshot(buf[:0])
	}
	b.ReportMetric(float64(len(buf))/benchResting, "bytes/order")
}

var benchSeed []byte

func seedOnly(tb testing.TB) ([]byte, error) {
	if benchSeed == nil {
		benchSeed, _ = benchWorkload(tb)
	}
	return benchSeed, nil
}

func TestBenchWorkloadShape(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the benchmark stream")
	}
	seed, stream := benchWorkload(t)
	bk := New(benchInst, PriceTime, 0)
	if err := bk.Restore(seed); err != nil {
		t.Fatal(err)
	}
	if bk.Len() != benchResting || bk.Levels(record.Buy)+bk.Levels(record.Sell) != 2*benchHalf {
		t.Fatalf("seeded book %d orders over %d+%d levels", bk.Len(), bk.Levels(record.Buy), bk.Levels(record.Sell))
	}
	kinds := map[string]int{}
	var limits, crossing int
	minLen, maxLen := bk.Len(), bk.Len()
	for i := range stream {
		o := &stream[i]
		kinds[fmt.Sprint(o.Action, " ", o.Type, " ", o.TIF)]++
		var h counter
		bk.Submit(o, &h)
		if h.rejects != 0 {
			t.Fatalf("order %d rejected", i)
		}
		if o.Action == record.New && o.Type == record.Limit && o.TIF == record.GTC {
			limits++
			if h.trades > 0 {
				crossing++
			}
		}
		minLen, maxLen = min(minLen, bk.Len()), max(maxLen, bk.Len())
	}
	pct := func(n int) float64 { return 100 * float64(n) / float64(len(stream)) }
	t.Logf("mix over %d orders: %v", len(stream), kinds)
	t.Logf("limit GTC %.1f%% (%.1f%% of them trade), cancel %.1f%%, IOC %.1f%%, market %.1f%%; book %d..%d orders",
		pct(limits), 100*float64(crossing)/float64(limits), pct(kinds["CANCEL LIMIT GTC"]),
		pct(kinds["NEW LIMIT IOC"]), pct(kinds["NEW MARKET GTC"]), minLen, maxLen)
	if minLen < benchResting*7/10 || maxLen > benchResting*13/10 {
		t.Errorf("book size left 10,000 ± 30%%: %d..%d", minLen, maxLen)
	}
	if crossing < limits/5 {
		t.Errorf("only %d of %d limit orders cross", crossing, limits)
	}
}

// TestSubmitDoesNotAllocate replays the benchmark mix through Submit and
// through Apply and requires zero allocations per order once the book has
// reached its size.
func TestSubmitDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the benchmark stream")
	}
	seed, stream := benchWorkload(t)
	lean := leanOrders(stream)
	for _, mode := range []string{"Submit", "Apply"} {
		bk := New(benchInst, PriceTime, benchResting)
		if err := bk.Restore(seed); err != nil {
			t.Fatal(err)
		}
		var h counter
		var l leanCounter
		do := func(j int) {
			if mode == "Submit" {
				bk.Submit(&stream[j], &h)
			} else {
				bk.Apply(&lean[j], &l)
			}
		}
		for i := range 20000 { // warm up: pools and tables reach their size
			do(i)
		}
		j := 20000
		allocs := testing.AllocsPerRun(50000, func() {
			do(j)
			j++
		})
		if allocs != 0 {
			t.Errorf("%s: %.3f allocations per order, want 0", mode, allocs)
		}
		if h.rejects+l.rejects != 0 {
			t.Errorf("%s: %d rejects", mode, h.rejects+l.rejects)
		}
	}
}

// BenchmarkReject measures rejects through Apply (no message, no
// allocation) and through Submit (the record with its message), each
// iteration the next of the 16 kinds of allocCases in turn.
func BenchmarkReject(b *testing.B) {
	type reject struct {
		bk *Book
		lo *Order
		o  *record.Order
	}
	var rejects []reject
	for _, c := range allocCases {
		if !c.rejects {
			continue
		}
		s := c.ops[0]
		if s.trader == "" {
			s.trader = "dee"
		}
		rejects = append(rejects, reject{allocBook(c), s.lean(1), s.order()})
	}
	b.Run("apply", func(b *testing.B) {
		var l leanCounter
		b.ReportAllocs()
		for i := range b.N {
			r := &rejects[i%len(rejects)]
			r.bk.Apply(r.lo, &l)
		}
		if l.rejects != b.N {
			b.Fatalf("expected %d rejects, got %d", b.N, l.rejects)
		}
	})
	b.Run("submit", func(b *testing.B) {
		var h counter
		var m0, m1 runtime.MemStats
		b.ReportAllocs()
		runtime.ReadMemStats(&m0)
		for i := range b.N {
			r := &rejects[i%len(rejects)]
			r.bk.Submit(r.o, &h)
		}
		runtime.ReadMemStats(&m1)
		if h.rejects != b.N {
			b.Fatalf("expected %d rejects, got %d", b.N, h.rejects)
		}
		// allocs/op is rounded down; 15 of the 16 messages are built.
		b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(b.N), "allocs/reject")
	})
}
