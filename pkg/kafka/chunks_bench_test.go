package kafka

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
)

// The snapshot benchmarks use the real order book (pkg/book; jobs/match
// imports this package, so its Processor cannot be used here: its snapshot
// is the books' snapshots behind a few bytes of header). A book is seeded
// with n resting orders, 20 per level, then each commit applies 0.1% of n
// orders of the book benchmark's mix: 60% LIMIT GTC (30% of them
// crossing, the rest resting at a random level), 25% CANCEL of a random
// resting order, 10% IOC, 5% MARKET.

var snapInst = record.Instrument{Symbol: "BNCH", TickSize: record.MustFixed("0.01"), LotSize: record.One}

type bookFlow struct {
	rng    *rand.Rand
	b      *book.Book
	id     uint64
	ids    []uint64
	mid    int64
	levels int64
}

func (f *bookFlow) order(side record.Side, typ record.OrderType, tif record.TimeInForce, ticks, lots int64) record.Order {
	f.id++
	return record.Order{
		ID: f.id, Instrument: snapInst.Symbol, Side: side, Type: typ, TIF: tif, Action: record.New,
		Price: record.Fixed(ticks) * snapInst.TickSize, Quantity: record.Fixed(lots) * snapInst.LotSize,
		Ticks: ticks, Lots: lots, Time: 1_700_000_000_000 + int64(f.id), TraderID: "trader" + string(rune('a'+f.id%8)),
	}
}

// newBookFlow seeds a book with n resting orders and reports the time.
func newBookFlow(n int) (*bookFlow, time.Duration) {
	f := &bookFlow{rng: rand.New(rand.NewPCG(42, 4242)), mid: 1_000_000, levels: int64(n / 40)}
	f.b = book.New(snapInst, book.PriceTime, n)
	t0 := time.Now()
	for lvl := int64(1); lvl <= f.levels; lvl++ {
		for range 20 {
			for _, side := range []record.Side{record.Buy, record.Sell} {
				ticks := f.mid - lvl
				if side == record.Sell {
					ticks = f.mid + lvl
				}
				o := f.order(side, record.Limit, record.GTC, ticks, 1+f.rng.Int64N(20))
				f.b.Submit(&o, nil)
				f.ids = append(f.ids, o.ID)
			}
		}
	}
	return f, time.Since(t0)
}

// step submits k orders of the mix.
func (f *bookFlow) step(k int) {
	for range k {
		side := record.Side(1 + f.rng.IntN(2))
		bt, _, _ := f.b.BestBid()
		at, _, _ := f.b.BestAsk()
		opp := at
		if side == record.Sell {
			opp = bt
		}
		aggressive := func() int64 {
			if side == record.Buy {
				return opp + f.rng.Int64N(3)
			}
			return max(1, opp-f.rng.Int64N(3))
		}
		var o record.Order
		switch r := f.rng.IntN(100); {
		case r < 60 && opp != 0 && f.rng.IntN(100) < 30:
			o = f.order(side, record.Limit, record.GTC, aggressive(), 1+f.rng.Int64N(10))
		case r < 60:
			off := 1 + f.rng.Int64N(f.levels)
			if side == record.Sell {
				off = -off
			}
			o = f.order(side, record.Limit, record.GTC, f.mid-off, 1+f.rng.Int64N(20))
			f.ids = append(f.ids, o.ID)
		case r < 85:
			for len(f.ids) > 0 {
				i := f.rng.IntN(len(f.ids))
				if _, _, _, ok := f.b.Resting(f.ids[i]); ok {
					o = record.Order{ID: f.ids[i], Instrument: snapInst.Symbol, Action: record.Cancel, Side: record.Buy,
						Time: 1_700_000_000_000 + int64(f.id), TraderID: "cxl"}
					break
				}
				f.ids[i] = f.ids[len(f.ids)-1]
				f.ids = f.ids[:len(f.ids)-1]
			}
		case r < 95 && opp != 0:
			o = f.order(side, record.Limit, record.IOC, aggressive(), 1+f.rng.Int64N(10))
		default:
			o = f.order(side, record.Market, record.GTC, 0, 1+f.rng.Int64N(10))
		}
		f.b.Submit(&o, nil)
	}
}

var snapBenchSizes = []int{10_000, 100_000, 1_000_000}

// BenchmarkSnapshotCommit measures one commit's snapshot: the book's
// Snapshot plus snapshotWriter.records, after 0.1% of the book's orders.
// It reports the bytes and records written per commit (keys and values;
// the old format wrote the whole snapshot every time).
func BenchmarkSnapshotCommit(b *testing.B) {
	for _, n := range snapBenchSizes {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			f, seeded := newBookFlow(n)
			w := newSnapshotWriter()
			data := f.b.Snapshot(nil)
			w.records("k", snapshot{next: map[int32]int64{0: 0}, data: data})
			w.commit()
			var recs, bytes int
			var inBook time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				f.step(max(1, n/1000))
				b.StartTimer()
				t0 := time.Now()
				data = f.b.Snapshot(data[:0])
				inBook += time.Since(t0)
				r, n := written(w.records("k", snapshot{next: map[int32]int64{0: int64(i)}, data: data}))
				w.commit()
				recs += r
				bytes += n
			}
			b.ReportMetric(float64(inBook.Microseconds())/1e3/float64(b.N), "book-snapshot-ms")
			b.ReportMetric(float64(len(data)), "snapshot-B")
			b.ReportMetric(float64(bytes)/float64(b.N), "written-B/commit")
			b.ReportMetric(float64(recs)/float64(b.N), "records/commit")
			b.ReportMetric(100*float64(bytes)/float64(b.N)/float64(len(data)), "written-%")
			b.ReportMetric(seeded.Seconds(), "replay-s")
		})
	}
}

// BenchmarkSnapshotRestore measures decoding a committed snapshot from the
// latest values of the state topic (per op), and restoring the book from
// it (once, reported as book-restore-s: that cost is pkg/book's).
func BenchmarkSnapshotRestore(b *testing.B) {
	for _, n := range snapBenchSizes {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			f, _ := newBookFlow(n)
			tp := topic{}
			w := newSnapshotWriter()
			for i := range 5 { // some history: only the live chunks remain
				tp.apply(w.records("k", snapshot{next: map[int32]int64{0: int64(i)}, data: f.b.Snapshot(nil)}))
				w.commit()
				f.step(max(1, n/1000))
			}
			var s snapshot
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				var err error
				if s, _, err = decodeSnapshot("k", tp.get); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			t0 := time.Now()
			bk := book.New(snapInst, book.PriceTime, 1024) // as jobs/match does
			if err := bk.Restore(s.data); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(t0).Seconds(), "book-restore-s")
			b.ReportMetric(float64(len(s.data)), "snapshot-B")
			b.ReportMetric(float64(len(tp)), "records")
		})
	}
}

// BenchmarkSnapshotRecords measures snapshotWriter.records alone on a 1M
// order book snapshot after 0.1% of changes (chunking, hashing, diffing).
func BenchmarkSnapshotRecords(b *testing.B) {
	f, _ := newBookFlow(1_000_000)
	w := newSnapshotWriter()
	w.records("k", snapshot{data: f.b.Snapshot(nil)})
	w.commit()
	f.step(1000)
	data := f.b.Snapshot(nil)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w.records("k", snapshot{data: data})
		w.rollback()
	}
}
