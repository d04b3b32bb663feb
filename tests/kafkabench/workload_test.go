package kafkabench

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

func TestWorkloadIsSeededAndCountsTrades(t *testing.T) {
	a, err := NewWorkload(5000, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewWorkload(5000, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Len() {
		if !bytes.Equal(a.Lines[i], b.Lines[i]) || !bytes.Equal(a.Keys[i], b.Keys[i]) {
			t.Fatalf("order %d differs between two runs of one seed", i)
		}
		var o record.Order
		if err := record.DecodeOrder(a.Lines[i], &o); err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		if o.Instrument != string(a.Keys[i]) || o.ID != a.IDs[i] {
			t.Fatalf("order %d: key %q id %d, line %s", i, a.Keys[i], a.IDs[i], a.Lines[i])
		}
	}
	// The count of every prefix is what a fresh processor makes of it.
	ins, _ := record.NewInstruments(BenchInstruments())
	for _, n := range []int{0, 1, 777, 5000} {
		proc := match.NewProcessor(ins, book.PriceTime)
		c := &stream.Counter{Next: record.Discard{}}
		for i := range n {
			proc.Process(&stream.Record{Value: a.Lines[i]}, c)
		}
		if a.Trades(n) != int(c.ByKind[record.KindTrade]) {
			t.Fatalf("Trades(%d) = %d, processor made %d", n, a.Trades(n), c.ByKind[record.KindTrade])
		}
	}
	if a.Trades(5000) == 0 || len(a.Replaced) == 0 {
		t.Fatalf("flow has %d trades and %d replaced ids: want some of each", a.Trades(5000), len(a.Replaced))
	}
	if _, err := NewWorkload(0, 1); err == nil {
		t.Fatal("NewWorkload(0): want an error")
	}
}

func TestLatencyTracesTheAggressor(t *testing.T) {
	l := NewLatency(100, 10, map[uint64]bool{105: true})
	t0 := time.Unix(1000, 0)
	l.Sent(101, t0)
	l.Sent(102, t0.Add(5*time.Millisecond))
	l.Sent(102, t0.Add(time.Second)) // a CANCEL of 102: not a new send
	l.Sent(105, t0)
	l.Sent(99, t0) // out of range: ignored
	trade := func(buy, sell uint64, agg record.Side) []byte {
		return record.AppendTradeJSON(nil, &record.Trade{TradeID: 1, Instrument: "TCS", Price: record.One, Quantity: record.One,
			BuyOrderID: buy, SellOrderID: sell, Aggressor: agg, Time: 1})
	}
	now, made := t0.Add(20*time.Millisecond), t0.Add(12*time.Millisecond)
	l.Observe(trade(101, 102, record.Buy), made, now)  // 20 ms = 12 + 8
	l.Observe(trade(101, 102, record.Sell), made, now) // 15 ms = 7 + 8
	l.Observe(trade(105, 101, record.Buy), made, now)  // replaced: untraced
	l.Observe(trade(107, 101, record.Buy), made, now)  // never sent: untraced
	l.Observe([]byte("{"), made, now)                  // bad
	r := l.Result()
	if r.Seen != 5 || r.N != 2 || r.Untraced != 2 || r.Bad != 1 {
		t.Fatalf("result %+v: want 5 seen, 2 measured, 2 untraced, 1 bad", r)
	}
	if r.P50 != 15*time.Millisecond || r.Max != 20*time.Millisecond {
		t.Fatalf("result %+v: want p50 15ms, max 20ms", r)
	}
	if r.ToMatch.P50 != 7*time.Millisecond || r.ToMatch.Max != 12*time.Millisecond || r.ToSeen.Max != 8*time.Millisecond {
		t.Fatalf("split %+v / %+v: want send->produced 7 and 12 ms, produced->seen 8 ms", *r.ToMatch, *r.ToSeen)
	}
}

func TestPercentilesNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	r := Percentiles(ds)
	if r.N != 100 || r.P50 != 50*time.Millisecond || r.P99 != 99*time.Millisecond || r.Max != 100*time.Millisecond {
		t.Fatalf("%+v: want p50 50ms, p99 99ms, max 100ms", r)
	}
	if ds[0] != 100*time.Millisecond {
		t.Fatal("Percentiles sorted its input")
	}
	if z := Percentiles(nil); z != (LatencyResult{}) {
		t.Fatalf("no samples: %+v", z)
	}
}

func TestCPUSampleSince(t *testing.T) {
	a := SampleCPU()
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
	}
	got := SampleCPU().Since(a)
	if !strings.Contains(got, "this process") || (a.total > 0 && !strings.Contains(got, "% busy")) {
		t.Fatalf("Since = %q", got)
	}
	if LoadAvg() == "" {
		t.Fatal("LoadAvg is empty")
	}
}
