package book

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// allLines collects every record Submit emits, in order: trades, execution
// reports and phase changes.
type allLines struct{ lines []string }

func (c *allLines) Emit(x record.Record) {
	switch r := x.(type) {
	case *record.Trade:
		c.lines = append(c.lines, fmt.Sprintf("trade %d %s@%s t%d", r.TradeID, r.Quantity, r.Price, r.Time))
	case *record.Event:
		l := fmt.Sprintf("%s %d %s leaves %s", r.Type, r.OrderID, r.Quantity, r.Leaves)
		if r.Reason != "" {
			l += " " + r.Reason
		}
		c.lines = append(c.lines, l)
	case *record.Status:
		c.lines = append(c.lines, fmt.Sprintf("status %s %s t%d", r.Instrument, r.Phase, r.Time))
	}
}

// TestSubmitSession: Submit reports the phase the first order finds and
// then phase changes as record.Status in the order the book makes them, a REPLACE keeping its quantity (0) reads the
// order after the auction that partly filled it, and DAY orders expire at
// the close.
func TestSubmitSession(t *testing.T) {
	b := rulesBook(t, Rules{})
	if err := b.SetSession(Session{PreOpen: 1000, Auction: 2000, Open: 3000, Close: 10_000}); err != nil {
		t.Fatal(err)
	}
	at := func(o *record.Order, ms int64) *record.Order { o.Time = ms; return o }
	day := func(o *record.Order) *record.Order { o.TIF = record.DAY; return o }
	keep := &record.Order{ID: 1, Instrument: "XYZ", Action: record.Replace, TraderID: "A", Time: 3500}
	ins, err := record.NewInstruments([]record.Instrument{b.Instrument()})
	if err != nil {
		t.Fatal(err)
	}
	var c allLines
	for _, o := range []*record.Order{
		at(wire(1, record.Sell, "100", 5, "A"), 1500),
		at(day(wire(2, record.Buy, "101", 3, "B")), 1600),
		at(day(wire(3, record.Buy, "99", 4, "B")), 1700),
		keep,
		at(wire(4, record.Buy, "98", 1, "C"), 10_500),
	} {
		if err := ins.Validate(o); err != nil {
			t.Fatalf("validate %+v: %v", o, err)
		}
		b.Submit(o, &c)
	}
	want := []string{
		// the phase the first order finds, at its time
		"status XYZ PRE_OPEN t1500",
		"ACCEPTED 1 5.0 leaves 5.0", "ACCEPTED 2 3.0 leaves 3.0", "ACCEPTED 3 4.0 leaves 4.0",
		// the auction at 2000, run by the first order after it: trades and
		// reports carry that order's clock, the status the boundary's time
		"trade 1 3.0@100.0 t3500", "FILL 2 3.0 leaves 0.0", "PARTIAL_FILL 1 3.0 leaves 2.0",
		"status XYZ BUFFER t2000", "status XYZ CONTINUOUS t3000",
		// keeps the 2 lots the auction left, not the 5 entered
		"REPLACED 1 2.0 leaves 2.0",
		"status XYZ CLOSED t10000", "EXPIRED 3 4.0 leaves 0.0",
		"REJECTED 4 1.0 leaves 0.0 CLOSED",
	}
	if got := strings.Join(c.lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}
