package book

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// eventLines collects Submit's execution reports as "TYPE id qty [REASON]".
type eventLines struct{ lines []string }

func (c *eventLines) Emit(x record.Record) {
	e, ok := x.(*record.Event)
	if !ok {
		return
	}
	l := fmt.Sprintf("%s %d %d", e.Type, e.OrderID, int64(e.Quantity/record.One))
	if e.Reason != "" {
		l += " " + e.Reason
	}
	if e.Type == record.Rejected && e.Message == "" {
		l += " (no message)"
	}
	c.lines = append(c.lines, l)
}

// wire is a wire order of the test instrument (tick 0.01, lot 1), already
// validated.
func wire(id uint64, side record.Side, price string, qty int64, trader string) *record.Order {
	o := &record.Order{ID: id, Instrument: "XYZ", Side: side, Quantity: record.Fixed(qty) * record.One, TraderID: trader, Time: 1}
	if price != "" {
		o.Price = record.MustFixed(price)
	}
	return o
}

func submitAll(t *testing.T, b *Book, os ...*record.Order) string {
	t.Helper()
	ins, err := record.NewInstruments([]record.Instrument{b.Instrument()})
	if err != nil {
		t.Fatal(err)
	}
	var c eventLines
	for _, o := range os {
		if err := ins.Validate(o); err != nil {
			t.Fatalf("validate %+v: %v", o, err)
		}
		b.Submit(o, &c)
	}
	return strings.Join(c.lines, "|")
}

func rulesBook(t *testing.T, r Rules) *Book {
	t.Helper()
	inst := record.Instrument{Symbol: "XYZ", TickSize: record.MustFixed("0.01"), LotSize: record.One, RefPrice: record.MustFixed("100")}
	b := New(inst, PriceTime, 64)
	if err := b.SetRules(r); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSubmitRules: Submit carries the rules' fields into the book and the
// rules' reasons, messages and TRIGGERED onto the wire records.
func TestSubmitRules(t *testing.T) {
	with := func(o *record.Order, f func(*record.Order)) *record.Order { f(o); return o }
	for _, c := range []struct {
		name  string
		rules Rules
		os    []*record.Order
		want  string
	}{
		{"stp cancel-newest by the order's own mode", Rules{}, []*record.Order{
			wire(1, record.Sell, "100", 5, "A"),
			with(wire(2, record.Buy, "100", 5, "A"), func(o *record.Order) { o.STP = record.STPCancelNewest }),
		}, "ACCEPTED 1 5|ACCEPTED 2 5|CANCELLED 2 5 SELF_TRADE"},
		{"stp by the book's mode", Rules{STP: STPCancelOldest}, []*record.Order{
			wire(1, record.Sell, "100", 5, "A"),
			wire(2, record.Buy, "100", 5, "A"),
		}, "ACCEPTED 1 5|ACCEPTED 2 5|CANCELLED 1 5 SELF_TRADE"},
		{"post_only would trade", Rules{}, []*record.Order{
			wire(1, record.Sell, "100", 5, "A"),
			with(wire(2, record.Buy, "100.5", 5, "B"), func(o *record.Order) { o.PostOnly = true }),
		}, "ACCEPTED 1 5|REJECTED 2 5 WOULD_TRADE"},
		{"price band", Rules{BandRef: 10000, BandBP: 500}, []*record.Order{
			wire(1, record.Sell, "105.01", 5, "A"),
			wire(2, record.Sell, "105", 5, "A"),
		}, "REJECTED 1 5 PRICE_BAND|ACCEPTED 2 5"},
		{"cancel_all", Rules{}, []*record.Order{
			wire(1, record.Sell, "101", 5, "A"),
			wire(2, record.Buy, "99", 5, "A"),
			{ID: 3, Instrument: "XYZ", Action: record.CancelAll, TraderID: "A", Time: 2},
			{ID: 4, Instrument: "XYZ", Action: record.CancelAll, Time: 2},
		}, "ACCEPTED 1 5|ACCEPTED 2 5|CANCELLED 2 5 MASS_CANCEL|CANCELLED 1 5 MASS_CANCEL|REJECTED 4 0 BAD_TRADER_ID"},
		{"stop triggered", Rules{}, []*record.Order{
			with(wire(1, record.Buy, "", 2, "A"), func(o *record.Order) { o.Type, o.StopPrice = record.Market, record.MustFixed("100") }),
			wire(2, record.Sell, "100", 3, "B"),
			wire(3, record.Buy, "100", 1, "C"),
		}, "ACCEPTED 1 2|ACCEPTED 2 3|ACCEPTED 3 1|FILL 3 1|PARTIAL_FILL 2 1|TRIGGERED 1 2|FILL 1 2|FILL 2 2"},
		{"replace of a pending stop", Rules{}, []*record.Order{
			with(wire(1, record.Buy, "101", 2, "A"), func(o *record.Order) { o.StopPrice = record.MustFixed("100") }),
			{ID: 1, Instrument: "XYZ", Side: record.Buy, Action: record.Replace, Price: record.MustFixed("102"), TraderID: "A", Time: 2},
		}, "ACCEPTED 1 2|REJECTED 1 0 UNSUPPORTED"},
		{"iceberg replace keeping the quantity keeps the reserve", Rules{}, []*record.Order{
			with(wire(1, record.Sell, "101", 10, "A"), func(o *record.Order) { o.Display = record.Fixed(2) * record.One }),
			{ID: 1, Instrument: "XYZ", Side: record.Sell, Action: record.Replace, Price: record.MustFixed("102"), TraderID: "A", Time: 2},
		}, "ACCEPTED 1 10|REPLACED 1 10"},
		{"iceberg on an IOC", Rules{}, []*record.Order{
			with(wire(1, record.Sell, "101", 10, "A"), func(o *record.Order) { o.TIF, o.Display = record.IOC, record.One }),
		}, "REJECTED 1 10 BAD_FIELD"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := submitAll(t, rulesBook(t, c.rules), c.os...); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestSubmitRulesExact: under the exact policy an order using a rule field
// is REJECTED UNSUPPORTED with a message that says so.
func TestSubmitRulesExact(t *testing.T) {
	inst := record.Instrument{Symbol: "XYZ", TickSize: record.MustFixed("0.01"), LotSize: record.One, RefPrice: record.One}
	b := New(inst, Exact, 8)
	o := wire(1, record.Buy, "1", 1, "A")
	o.Ticks, o.Lots = 100, 1
	o.PostOnly = true
	var got record.Event
	b.Submit(o, emitFunc(func(x record.Record) { got = *x.(*record.Event) }))
	if got.Reason != record.ReasonUnsupported || !strings.Contains(got.Message, "post_only") {
		t.Errorf("got %+v", got)
	}
}

type emitFunc func(record.Record)

func (f emitFunc) Emit(x record.Record) { f(x) }
