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
	s := NewSink(Topics{Trades: "tr", SMA: "sm", Rejects: "rj"}, p)
	tr := &record.Trade{TradeID: 1, Instrument: "INFY", Price: record.MustFixed("1.5"), Quantity: record.One}
	s.Trade(tr)
	s.SMA(&record.SMA{Instrument: "TCS"})
	s.Bar(&record.Bar{Instrument: "TCS"}) // no bars topic: counted, not produced
	s.Reject(&record.Reject{Reason: "X"})
	if len(p.got) != 3 {
		t.Fatalf("produced %d records, want 3: %v", len(p.got), p.got)
	}
	if p.got[0].topic != "tr" || p.got[0].key != "INFY" || p.got[0].value != string(record.AppendTradeJSON(nil, tr)) {
		t.Fatalf("trade: %+v", p.got[0])
	}
	if p.got[1].topic != "sm" || p.got[1].key != "TCS" || p.got[2].topic != "rj" || p.got[2].key != "" {
		t.Fatalf("routing: %+v", p.got)
	}
	c := s.Counts()
	if c[KindTrade] != 1 || c[KindBar] != 1 || c[KindSMA] != 1 || c[KindReject] != 1 {
		t.Fatalf("counts %v", c)
	}
}
