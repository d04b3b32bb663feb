package book

import (
	"math/rand/v2"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// benchRules are the rules of BenchmarkBookMixRules: self-trade
// prevention for everyone and a band wide enough for the whole book.
var benchRules = Rules{STP: STPCancelNewest, BandRef: benchMid, BandBP: 500}

// benchWorkloadRules is benchWorkload's mix with the rules in use, as
// Apply orders: of the 60% LIMIT GTC, one in eight is an iceberg and one
// in eight a post-only that does not cross; 4% of the stream are stops
// (triggers a few ticks beyond the best prices, half STOP, half
// STOP_LIMIT IOC), taken from the IOCs; the eight traders trade with
// each other and self-trade prevention cancels what would be a self-trade.
// It is generated against a live book so that every cancel hits a resting
// order or a pending stop and nothing is rejected.
func benchWorkloadRules(tb testing.TB) (seed []byte, stream []Order) {
	rng := rand.New(rand.NewPCG(43, 4343))
	traders := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}
	b := New(benchInst, PriceTime, benchResting*2)
	if err := b.SetRules(benchRules); err != nil {
		tb.Fatal(err)
	}
	var l leanCounter
	id := uint64(0)
	var ids []uint64
	mk := func(side record.Side, typ record.OrderType, tif record.TimeInForce, ticks, lots int64) Order {
		id++
		return Order{Tag: id, ID: id, Side: side, Type: typ, TIF: tif, Ticks: ticks, Lots: lots,
			Time: 1_700_000_000_000 + int64(id), TraderID: traders[id%8]}
	}
	for lvl := int64(1); lvl <= benchHalf; lvl++ {
		for range benchPerLvl {
			o := mk(record.Buy, record.Limit, record.GTC, benchMid-lvl, 1+rng.Int64N(20))
			b.Apply(&o, &l)
			ids = append(ids, o.ID)
			o = mk(record.Sell, record.Limit, record.GTC, benchMid+lvl, 1+rng.Int64N(20))
			b.Apply(&o, &l)
			ids = append(ids, o.ID)
		}
	}
	seed = b.Snapshot(nil)
	live := func(id uint64) bool {
		if _, _, _, ok := b.Resting(id); ok {
			return true
		}
		ni, ok := b.index.get(id)
		return ok && b.nodes[ni].flags&flagStop != 0
	}
	stream = make([]Order, 0, benchStream)
	for len(stream) < benchStream {
		side := record.Side(1 + rng.IntN(2))
		bt, _, _ := b.BestBid()
		at, _, _ := b.BestAsk()
		opp, own := at, bt
		if side == record.Sell {
			opp, own = bt, at
		}
		aggressive := func() int64 {
			if side == record.Buy {
				return opp + rng.Int64N(3)
			}
			return max(1, opp-rng.Int64N(3))
		}
		passive := func() int64 {
			off := 1 + rng.Int64N(benchHalf)
			if side == record.Sell {
				off = -off
			}
			return benchMid - off
		}
		var o Order
		switch r := rng.IntN(100); {
		case r < 60:
			cross := 30
			if b.Len() > benchResting+500 {
				cross = 50
			} else if b.Len() < benchResting-500 {
				cross = 20
			}
			switch k := rng.IntN(8); {
			case k == 0:
				o = mk(side, record.Limit, record.GTC, passive(), 5+rng.Int64N(30))
				o.Display = 1 + rng.Int64N(5)
			case k == 1 && own != 0 && opp != 0:
				o = mk(side, record.Limit, record.GTC, own, 1+rng.Int64N(20)) // joins its best: never crosses
				o.PostOnly = true
			case opp != 0 && rng.IntN(100) < cross:
				o = mk(side, record.Limit, record.GTC, aggressive(), 1+rng.Int64N(10))
			default:
				o = mk(side, record.Limit, record.GTC, passive(), 1+rng.Int64N(20))
			}
			ids = append(ids, o.ID)
		case r < 85:
			for {
				i := rng.IntN(len(ids))
				if live(ids[i]) {
					o = Order{Tag: id, ID: ids[i], Action: record.Cancel, Side: record.Buy,
						Time: 1_700_000_000_000 + int64(id), TraderID: traders[ids[i]%8]}
					break
				}
				ids[i] = ids[len(ids)-1]
				ids = ids[:len(ids)-1]
			}
		case r < 89:
			if opp == 0 {
				opp = benchMid
			}
			trigger := opp + 2 + rng.Int64N(4)
			if side == record.Sell {
				trigger = max(1, opp-2-rng.Int64N(4))
			}
			if rng.IntN(2) == 0 {
				o = mk(side, record.Market, record.GTC, 0, 1+rng.Int64N(5))
			} else {
				o = mk(side, record.Limit, record.IOC, trigger, 1+rng.Int64N(5))
			}
			o.Stop = trigger
			ids = append(ids, o.ID)
		case r < 95:
			if opp == 0 {
				opp = benchMid
			}
			o = mk(side, record.Limit, record.IOC, aggressive(), 1+rng.Int64N(10))
		default:
			o = mk(side, record.Market, record.GTC, 0, 1+rng.Int64N(10))
		}
		b.Apply(&o, &l)
		stream = append(stream, o)
	}
	if l.rejects != 0 {
		tb.Fatalf("workload generation produced %d rejects", l.rejects)
	}
	if n := b.Len(); n < benchResting/2 || n > benchResting*2 {
		tb.Fatalf("book drifted to %d resting orders", n)
	}
	return seed, stream
}

// benchWindowSession keeps BenchmarkBookMixRules' stream in CONTINUOUS
// (from 1 ms after midnight UTC) with volatility halts too wide to halt,
// re-based every second: the halt checks and the window's re-bases cost
// what they cost, and nothing else changes.
var benchWindowSession = Session{PreOpen: 0, Auction: 1, Open: 1, Close: Day, HaltBP: 9_999, HaltFor: 1, HaltWindow: 1_000}

// BenchmarkBookMixRules is BenchmarkBookMix's lean modes on the mix with
// the rules in use (benchWorkloadRules); lean-window is lean-nop on a book
// with benchWindowSession.
func BenchmarkBookMixRules(b *testing.B) {
	seed, stream := benchWorkloadRules(b)
	for _, mode := range []string{"lean-nop", "lean-count", "lean-window"} {
		b.Run(mode, func(b *testing.B) {
			bk := New(benchInst, PriceTime, benchResting)
			if err := bk.SetRules(benchRules); err != nil {
				b.Fatal(err)
			}
			if mode == "lean-window" {
				if err := bk.SetSession(benchWindowSession); err != nil {
					b.Fatal(err)
				}
			}
			if err := bk.Restore(seed); err != nil {
				b.Fatal(err)
			}
			var l Listener = nopListener{}
			var lc leanCounter
			if mode == "lean-count" {
				l = &lc
			}
			benchReplay(b, bk, seed, len(stream), func(_, j int) { bk.Apply(&stream[j], l) })
			if lc.rejects != 0 {
				b.Fatalf("%d rejects in the replay", lc.rejects)
			}
			if mode == "lean-count" {
				b.ReportMetric(float64(lc.trades)/float64(b.N), "trades/order")
			}
		})
	}
}

// TestBenchWorkloadRulesShape checks that the rules' mix exercises them
// and allocates nothing per order once the book has its size.
func TestBenchWorkloadRulesShape(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the benchmark stream")
	}
	seed, stream := benchWorkloadRules(t)
	bk := New(benchInst, PriceTime, benchResting)
	if err := bk.SetRules(benchRules); err != nil {
		t.Fatal(err)
	}
	if err := bk.Restore(seed); err != nil {
		t.Fatal(err)
	}
	var rec leanRecorder
	kinds := map[string]int{}
	for i := range 40000 {
		bk.Apply(&stream[i], &rec)
		for _, o := range rec.take() {
			switch {
			case o.trade:
				kinds["trade"]++
			case o.e.Reason != ReasonNone:
				kinds[o.e.Type.String()+" "+o.e.Reason.Code()]++
			default:
				kinds[eventName(o.e.Type)]++
			}
		}
	}
	t.Logf("first 40,000 orders: %v", kinds)
	for _, k := range []string{"TRIGGERED", "CANCELLED SELF_TRADE", "trade"} {
		if kinds[k] < 100 {
			t.Errorf("only %d %s", kinds[k], k)
		}
	}
	var l leanCounter
	j := 40000
	allocs := testing.AllocsPerRun(50000, func() {
		bk.Apply(&stream[j], &l)
		j++
	})
	if allocs != 0 || l.rejects != 0 {
		t.Errorf("%.3f allocations per order (want 0), %d rejects", allocs, l.rejects)
	}
}
