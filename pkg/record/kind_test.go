package record

import (
	"bytes"
	"testing"
)

// TestKinds: every kind has a name, a topic and a flag of its own, and
// each record type reports its kind and encodes as its AppendXJSON does.
func TestKinds(t *testing.T) {
	seen := map[string]Kind{}
	for k := range NumKinds {
		in := k.Info()
		for _, v := range []string{in.Name, in.Topic, in.Flag} {
			if v == "" {
				t.Errorf("kind %d: empty name, topic or flag: %+v", k, in)
			}
			if o, dup := seen[v]; dup && o != k {
				t.Errorf("kinds %s and %s share %q", o, k, v)
			}
			seen[v] = k
		}
		if in.Label == "" || in.Help == "" {
			t.Errorf("kind %s: no label or help", k)
		}
	}
	tr := &Trade{TradeID: 1, Instrument: "TCS", Price: One, Quantity: One}
	rej := &Reject{Source: "f:1", Reason: ReasonBadJSON}
	recs := []struct {
		r    Record
		kind Kind
		key  string
		json []byte
	}{
		{tr, KindTrade, "TCS", AppendTradeJSON(nil, tr)},
		{&Event{Instrument: "TCS"}, KindEvent, "TCS", AppendEventJSON(nil, &Event{Instrument: "TCS"})},
		{&Bar{Instrument: "TCS"}, KindBar, "TCS", AppendBarJSON(nil, &Bar{Instrument: "TCS"})},
		{&SMA{Instrument: "TCS"}, KindSMA, "TCS", AppendSMAJSON(nil, &SMA{Instrument: "TCS"})},
		{&Profit{Instrument: "TCS"}, KindProfit, "TCS", AppendProfitJSON(nil, &Profit{Instrument: "TCS"})},
		{rej, KindReject, "", AppendRejectJSON(nil, rej)},
		{&BookUpdate{Instrument: "TCS"}, KindBook, "TCS", AppendBookUpdateJSON(nil, &BookUpdate{Instrument: "TCS"})},
		{&BookSnapshot{Instrument: "TCS"}, KindBookSnapshot, "TCS", AppendBookSnapshotJSON(nil, &BookSnapshot{Instrument: "TCS"})},
		{&Status{Instrument: "TCS"}, KindStatus, "TCS", AppendStatusJSON(nil, &Status{Instrument: "TCS"})},
	}
	if len(recs) != int(NumKinds) {
		t.Fatalf("%d record types for %d kinds", len(recs), NumKinds)
	}
	for _, c := range recs {
		if c.r.Kind() != c.kind || c.r.Key() != c.key || !bytes.Equal(c.r.AppendJSON(nil), c.json) {
			t.Errorf("%T: kind %s key %q json %s; want %s %q %s", c.r, c.r.Kind(), c.r.Key(), c.r.AppendJSON(nil), c.kind, c.key, c.json)
		}
	}
}

// TestCounts: REJECTED events count as events and as rejects.
func TestCounts(t *testing.T) {
	var c Counts
	c.Add(&Event{Type: Rejected})
	c.Add(&Event{Type: Accepted})
	c.Add(&Reject{})
	c.Add(&Trade{})
	if c.ByKind[KindEvent] != 2 || c.Rejected != 1 || c.Rejects() != 2 || c.Total() != 4 {
		t.Fatalf("counts %+v: rejects %d total %d", c, c.Rejects(), c.Total())
	}
}
