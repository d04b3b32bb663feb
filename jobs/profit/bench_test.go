package profit

import (
	"io"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/profit/profittest"
	"github.com/bourse/bourse/jobs/windowed"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
	"github.com/bourse/bourse/pkg/window"
)

// Bench scale: the profit job's sizing question (issue 11) is whether one
// replica holds 10,000 instruments at 100,000 trades per second.
const (
	benchInstruments = 10_000
	benchRate        = 100_000 // trades per second of event time
	benchRepeats     = 13      // trades per instrument in one cycle of the generator
)

// BenchmarkProfit10k runs the profit job's processor as the job configures
// it (windowed.DefaultWindows: 1-minute bars, 10-minute windows advancing
// by 5, no lateness, never idle; window.Options{Profit: true}; every
// instrument of the reference Expected) on JSON trade lines, as
// Process receives them from a file or a topic, writing the profit lines
// through the JSON sink to io.Discard.
//
// The flow: 10,000 instruments, 100,000 trades per second of event time
// (100 per millisecond), so each instrument trades 10 times a second;
// instruments in a shuffled cycle in which each one trades 13 times
// (every instrument trades within every 1.3 s), prices 100.00-109.99,
// quantities 1-100. One op is one slide of event time (5 minutes, 30 M
// trades): it starts at a window end, so it closes one window for every
// instrument and ranks it (10,000 profit lines). The engine is warmed up
// untimed with the 70 s of trades before the first op, so that bars and
// windows exist.
//
// Reported: trades/s and ns/trade over the whole op (ranking included);
// rank-ms, the wall time of the one Process call that ranks and emits the
// window; close-ms, the wall time of all Process calls from the window end
// until that rank (every instrument's window close, the ranker's checks
// and the rank: what a window end adds to the stream, plus those trades'
// ordinary cost); allocs/op is per slide (30 M trades).
func BenchmarkProfit10k(b *testing.B) {
	wc, err := windowed.DefaultWindows().Engine()
	if err != nil {
		b.Fatal(err)
	}
	g := profittest.NewTradeGen(benchInstruments, benchRepeats, benchRate, 1)
	p, err := windowed.New(wc, window.Options{Profit: true}, g.Names)
	if err != nil {
		b.Fatal(err)
	}
	out := &profitCounter{Emitter: stream.NewJSONSink(stream.JSONWriters{record.KindProfit: io.Discard, record.KindReject: io.Discard})}
	rec := stream.Record{Source: "bench"}

	t0 := int64(1678698900000) // 2023-03-13T09:15:00Z, a slide boundary
	perSlide := benchRate * wc.Slide / 1000
	g.SeekTime(t0 - 70*window.Second)
	for g.Ms < t0 {
		rec.Value = g.Next()
		p.Process(&rec, out)
	}
	if out.rejects != 0 || out.profits != 0 {
		b.Fatalf("warm-up: expected no rejects and no profits, got %d and %d", out.rejects, out.profits)
	}

	var rankNs, closeNs time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	for i := 0; i < b.N; i++ {
		// The window end: time every call until the window is ranked.
		want := out.profits + benchInstruments
		n := int64(0)
		for out.profits < want {
			if n == perSlide {
				b.Fatalf("slide %d: expected a ranked window of %d instruments, got %d profits", i, benchInstruments, out.profits-want+benchInstruments)
			}
			rec.Value = g.Next()
			before := out.profits
			start := time.Now()
			p.Process(&rec, out)
			d := time.Since(start)
			closeNs += d
			if out.profits != before {
				rankNs += d
			}
			n++
		}
		for ; n < perSlide; n++ {
			rec.Value = g.Next()
			p.Process(&rec, out)
		}
	}
	b.StopTimer()
	trades := float64(b.N) * float64(perSlide)
	reportTrades(b, trades, cpu0)
	b.ReportMetric(float64(rankNs.Nanoseconds())/1e6/float64(b.N), "rank-ms")
	b.ReportMetric(float64(closeNs.Nanoseconds())/1e6/float64(b.N), "close-ms")
	if out.rejects != 0 || p.Late() != 0 {
		b.Fatalf("expected no rejects and no late trades, got %d and %d", out.rejects, p.Late())
	}
}

// reportTrades reports trades/s and ns/trade of wall time, and cpu-ns/trade
// (user + system time of the process, GC included), which a busy, shared
// machine inflates less. cpu0 is cpuNanos() before the timed work.
func reportTrades(b *testing.B, trades float64, cpu0 int64) {
	b.ReportMetric(trades/b.Elapsed().Seconds(), "trades/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/trades, "ns/trade")
	if cpu := cpuNanos() - cpu0; cpu > 0 && cpu0 > 0 {
		b.ReportMetric(float64(cpu)/trades, "cpu-ns/trade")
	}
}

// profitCounter counts what passes through to the sink.
type profitCounter struct {
	record.Emitter
	profits, rejects int64
}

func (c *profitCounter) Emit(r record.Record) {
	switch r.Kind() {
	case record.KindProfit:
		c.profits++
	case record.KindReject:
		c.rejects++
	}
	c.Emitter.Emit(r)
}
