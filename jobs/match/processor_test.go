package match

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/flow"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

func orderLines(t *testing.T, n int) [][]byte {
	t.Helper()
	ins := record.DefaultInstruments()
	g, err := flow.NewGenerator(flow.DefaultConfig(), ins)
	if err != nil {
		t.Fatal(err)
	}
	var o record.Order
	out := make([][]byte, n)
	for i := range out {
		g.Next(&o)
		out[i] = record.AppendOrderJSON(nil, &o)
	}
	return out
}

func run(p *Processor, lines [][]byte, w *bytes.Buffer) {
	sink := stream.NewJSONSink(stream.JSONWriters{record.KindTrade: w, record.KindEvent: w})
	for i, l := range lines {
		p.Process(&stream.Record{Value: l, Offset: int64(i + 1)}, sink)
	}
	_ = sink.Flush()
}

// TestSnapshotRestoreContinuesExactly: a processor restored from a
// mid-stream snapshot gives, for the rest of the stream, exactly what the
// unbroken processor gives — the property the Kafka runner relies on.
func TestSnapshotRestoreContinuesExactly(t *testing.T) {
	ins, _ := record.NewInstruments(record.DefaultInstruments())
	lines := orderLines(t, 6000)
	var whole bytes.Buffer
	run(NewProcessor(ins, book.PriceTime), lines, &whole)

	var first, second bytes.Buffer
	a := NewProcessor(ins, book.PriceTime)
	run(a, lines[:2500], &first)
	b := NewProcessor(ins, book.PriceTime)
	if err := b.Restore(a.Snapshot(nil)); err != nil {
		t.Fatal(err)
	}
	run(b, lines[2500:], &second)
	if got := first.String() + second.String(); got != whole.String() {
		t.Fatal("restored processor diverged from the unbroken run")
	}
	if !strings.Contains(whole.String(), `"trade_id"`) {
		t.Fatal("no trades at all")
	}
}

func TestRestoreRejectsGarbage(t *testing.T) {
	ins, _ := record.NewInstruments(record.DefaultInstruments())
	p := NewProcessor(ins, book.PriceTime)
	run(p, orderLines(t, 500), &bytes.Buffer{})
	snap := p.Snapshot(nil)
	for _, bad := range [][]byte{nil, {9}, snap[:len(snap)/2], append(append([]byte{}, snap...), 1)} {
		if err := NewProcessor(ins, book.PriceTime).Restore(bad); err == nil {
			t.Errorf("Restore accepted %d bytes of garbage", len(bad))
		}
	}
	// Books of instruments missing from the reference are no reason to
	// fail any more (TestRemovedInstrument); a corrupt one inside still is.
	mangled := append([]byte{}, snap...)
	mangled[len(mangled)-1] ^= 0xff // the last book's checksum
	other, _ := record.NewInstruments([]record.Instrument{{Symbol: "XYZ", TickSize: record.MustFixed("0.01"), LotSize: record.One, RefPrice: record.One}})
	if err := NewProcessor(other, book.PriceTime).Restore(mangled); err == nil {
		t.Error("Restore accepted a corrupt book of an instrument missing from the reference")
	}
}

// TestRejectKeepsWhatWasDecoded: a REJECTED report names the order, the
// reason and the raw text, and the bad record changes nothing else.
func TestRejectKeepsWhatWasDecoded(t *testing.T) {
	ins, _ := record.NewInstruments(record.DefaultInstruments())
	p := NewProcessor(ins, book.PriceTime)
	var evs []record.Event
	em := &collect{evs: &evs}
	p.Process(&stream.Record{Value: []byte(`{"id": 7, "instrument": "TCS", "txn_type": "BUY", "quantity": 1, "price": 10.001, "order_timestamp": "2023-03-13T09:15:00Z", "trader_id": "T1"}`)}, em)
	if len(evs) != 1 || evs[0].Type != record.Rejected || evs[0].Reason != record.ReasonOffTick || evs[0].OrderID != 7 || evs[0].TraderID != "T1" || !strings.Contains(evs[0].Raw, "10.001") {
		t.Fatalf("got %+v", evs)
	}
	if len(p.Books()) != 0 {
		t.Fatal("a rejected order created a book")
	}
}

type collect struct {
	evs *[]record.Event
}

func (c *collect) Emit(r record.Record) {
	if e, ok := r.(*record.Event); ok {
		*c.evs = append(*c.evs, *e)
	}
}
