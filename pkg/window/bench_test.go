package window

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// benchTrades returns a cycle of trades over n instruments, about one
// trade per instrument every 100 ms on average (random steps of 0-40 ms,
// random instrument), spanning span ms.
func benchTrades(n int) (trades []record.Trade, span int64) {
	r := rand.New(rand.NewPCG(uint64(n), 42))
	insts := make([]string, n)
	for i := range insts {
		insts[i] = fmt.Sprintf("SYM%02d", i)
	}
	trades = make([]record.Trade, 1<<16)
	tm := int64(0)
	for i := range trades {
		tm += int64(r.IntN(41)) * 100 / int64(n*20) // keeps ~100 ms per instrument
		trades[i] = record.Trade{
			TradeID:    uint64(i + 1),
			Instrument: insts[r.IntN(n)],
			Price:      record.Fixed(100_000+r.IntN(1000)) * record.One / 100,
			Quantity:   record.Fixed(1+r.IntN(100)) * record.One,
			Time:       tm,
		}
	}
	return trades, tm + 1
}

func BenchmarkWindows(b *testing.B) {
	for _, n := range []int{4, 16, 50} {
		for _, opt := range []struct {
			name string
			o    Options
		}{{"sma", Options{Bars: true, SMA: true}}, {"profit", Options{Bars: true, Profit: true}}} {
			b.Run(fmt.Sprintf("instruments=%d/%s", n, opt.name), func(b *testing.B) {
				trades, span := benchTrades(n)
				e, err := New(DefaultConfig(), opt.o)
				if err != nil {
					b.Fatal(err)
				}
				var h counter
				b.ReportAllocs()
				b.ResetTimer()
				var t record.Trade
				for i := 0; i < b.N; i++ {
					j := i & (len(trades) - 1)
					t = trades[j]
					t.Time += int64(i>>16) * span
					e.Add(&t, &h)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "trades/s")
				if h.rejects != 0 {
					b.Fatalf("%d rejects", h.rejects)
				}
			})
		}
	}
}

type counter struct{ bars, smas, profits, rejects int }

func (c *counter) Emit(r record.Record) {
	switch r.Kind() {
	case record.KindBar:
		c.bars++
	case record.KindSMA:
		c.smas++
	case record.KindProfit:
		c.profits++
	case record.KindReject:
		c.rejects++
	}
}
