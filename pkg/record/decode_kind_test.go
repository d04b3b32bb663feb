package record

import (
	"bytes"
	"testing"
)

// TestKindDecode: each kind decodes what its records encode into a new
// record of that kind, which encodes the same again; a bad value gives
// the kind's decoder's error.
func TestKindDecode(t *testing.T) {
	recs := []Record{
		&Trade{TradeID: 1, Instrument: "TCS", Price: One, Quantity: One, BuyOrderID: 1, SellOrderID: 2, Time: 5},
		&Event{Instrument: "TCS", Type: Accepted, OrderID: 1, Side: Buy, Time: 5},
		&Bar{Instrument: "TCS", Start: 1, End: 2},
		&SMA{Instrument: "TCS", WindowStart: 1, WindowEnd: 2},
		&Profit{Instrument: "TCS", WindowStart: 1, WindowEnd: 2, Rank: 1},
		&Reject{Source: "f:1", Reason: ReasonBadJSON},
		&BookUpdate{Instrument: "TCS", Seq: 1, Time: 5},
		&BookSnapshot{Instrument: "TCS", Seq: 1, Time: 5},
		&Status{Instrument: "TCS", Phase: "CONTINUOUS", Time: 5},
	}
	if len(recs) != int(NumKinds) {
		t.Fatalf("%d records for %d kinds", len(recs), NumKinds)
	}
	for _, want := range recs {
		k := want.Kind()
		line := want.AppendJSON(nil)
		got, err := k.Decode(line)
		if err != nil {
			t.Errorf("%s: decode %s: %v", k, line, err)
			continue
		}
		if got.Kind() != k || !bytes.Equal(got.AppendJSON(nil), line) {
			t.Errorf("%s: decoded %T %s from %s", k, got, got.AppendJSON(nil), line)
		}
		if r, err := k.Decode([]byte("{")); r != nil || err == nil {
			t.Errorf("%s: decoded %v, %v from a bad value; want an error", k, r, err)
		}
	}
	if _, err := NumKinds.Decode([]byte("{}")); err == nil {
		t.Error("decoded a value of an unknown kind")
	}
}
