package kafka

import (
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

type captured struct{ topic, key, value string }

type captureProducer struct{ got []captured }

func (c *captureProducer) Produce(topic string, key, value []byte) {
	c.got = append(c.got, captured{topic, string(key), string(value)})
}

func TestSinkRoutesByKind(t *testing.T) {
	p := &captureProducer{}
	s := NewSink(Topics{Out: [record.NumKinds]string{record.KindTrade: "tr", record.KindSMA: "sm", record.KindReject: "rj"}}, p)
	tr := &record.Trade{TradeID: 1, Instrument: "INFY", Price: record.MustFixed("1.5"), Quantity: record.One}
	s.Emit(tr)
	s.Emit(&record.SMA{Instrument: "TCS"})
	s.Emit(&record.Bar{Instrument: "TCS"}) // no bars topic: counted, not produced
	s.Emit(&record.Reject{Reason: "X"})
	if len(p.got) != 3 {
		t.Fatalf("produced %d records, want 3: %v", len(p.got), p.got)
	}
	if p.got[0].topic != "tr" || p.got[0].key != "INFY" || p.got[0].value != string(record.AppendTradeJSON(nil, tr)) {
		t.Fatalf("trade: %+v", p.got[0])
	}
	if p.got[1].topic != "sm" || p.got[1].key != "TCS" || p.got[2].topic != "rj" || p.got[2].key != "" {
		t.Fatalf("routing: %+v", p.got)
	}
	c := s.Counts().ByKind
	if c[record.KindTrade] != 1 || c[record.KindBar] != 1 || c[record.KindSMA] != 1 || c[record.KindReject] != 1 {
		t.Fatalf("counts %v", c)
	}
}

// arenaProducer copies each record into an arena, as the runner does.
type arenaProducer struct{ a arena }

func (p *arenaProducer) Produce(topic string, key, value []byte) {
	r := p.a.record()
	r.Topic, r.Key, r.Value = topic, p.a.bytes(key), p.a.bytes(value)
}

// TestSinkOutputsDoNotAllocate: once the arena and the sink's scratch have
// grown, encoding and producing an output record allocates nothing.
func TestSinkOutputsDoNotAllocate(t *testing.T) {
	p := &arenaProducer{}
	s := NewSink(Topics{Out: [record.NumKinds]string{record.KindTrade: "tr", record.KindEvent: "ev"}}, p)
	tr := &record.Trade{TradeID: 7, Instrument: "INFY", Price: record.MustFixed("1510.05"), Quantity: record.MustFixed("12"), BuyOrderID: 1, SellOrderID: 2, Time: 1_700_000_000_000}
	ev := &record.Event{Type: record.Fill, OrderID: 1, Instrument: "INFY", Side: record.Buy, Price: tr.Price, Quantity: tr.Quantity, TradeID: 7, Time: tr.Time}
	round := func() {
		for range 1000 {
			s.Emit(tr)
			s.Emit(ev)
		}
		p.a.reset()
	}
	round() // grow the arena and the scratch buffers
	if n := testing.AllocsPerRun(20, round); n != 0 {
		t.Fatalf("%v allocations per 2000 output records, want 0", n)
	}
	// The arena's copies stay intact until reset.
	p.a.reset()
	s.Emit(tr)
	s.Emit(&record.Trade{TradeID: 8, Instrument: "TCS"})
	if got := string(p.a.recs[0][0].Value); got != string(record.AppendTradeJSON(nil, tr)) {
		t.Fatalf("first record overwritten: %s", got)
	}
}

func TestArenaLargeAndChunked(t *testing.T) {
	var a arena
	big := make([]byte, arenaLarge+1)
	big[0] = 'x'
	if b := a.bytes(big); &b[0] == &big[0] || b[0] != 'x' || len(a.bufs) != 0 {
		t.Fatal("a large value must be copied to its own allocation")
	}
	var kept [][]byte
	for i := range 3 * arenaBytes / 1000 {
		v := make([]byte, 1000)
		v[0] = byte(i)
		kept = append(kept, a.bytes(v))
	}
	for i, b := range kept {
		if len(b) != 1000 || b[0] != byte(i) || cap(b) != 1000 {
			t.Fatalf("value %d: len %d cap %d first %d", i, len(b), cap(b), b[0])
		}
	}
	if len(a.bufs) < 3 {
		t.Fatalf("%d chunks for 3 MiB", len(a.bufs))
	}
	for range arenaRecords + 1 {
		a.record()
	}
	if a.ri != 1 || a.rn != 1 {
		t.Fatalf("record chunks: ri %d rn %d", a.ri, a.rn)
	}
}
