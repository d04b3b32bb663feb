package match

import (
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// TestRulesSettings: --stp (Options.STP) and the reference's band_pct
// reach every book, also one restored from a snapshot; under the exact
// policy a book has no rules.
func TestRulesSettings(t *testing.T) {
	list := record.DefaultInstruments()
	for i := range list {
		if list[i].Symbol == "TCS" {
			list[i].BandPct = record.MustFixed("10") // 3150-3850
		}
	}
	ins, err := record.NewInstruments(list)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{STP: book.STPCancelBoth}
	rec := func(b []byte) *stream.Record { return &stream.Record{Value: b} }
	p := NewProcessorWith(ins, book.PriceTime, opt)
	got, _ := events(p, rec(orderJSON(1, "TCS", "SELL", 1, "3500", t0, `, "trader_id": "a"`)),
		rec(orderJSON(2, "TCS", "SELL", 1, "3900", t0, ``)), rec(orderJSON(3, "INFY", "SELL", 1, "3900", t0, ``)))
	if want := "ACCEPTED 1|REJECTED 2 PRICE_BAND|ACCEPTED 3"; strings.Join(got, "|") != want {
		t.Fatalf("got %v, want %s", got, want)
	}
	q := NewProcessorWith(ins, book.PriceTime, opt)
	if err := q.Restore(p.Snapshot(nil)); err != nil {
		t.Fatal(err)
	}
	got, _ = events(q, rec(orderJSON(4, "TCS", "BUY", 1, "3500", t0+1, `, "trader_id": "a"`)),
		rec(orderJSON(5, "TCS", "BUY", 1, "3000", t0+1, ``)))
	if want := "ACCEPTED 4|CANCELLED 1 SELF_TRADE|CANCELLED 4 SELF_TRADE|REJECTED 5 PRICE_BAND"; strings.Join(got, "|") != want {
		t.Fatalf("after restore: got %v, want %s", got, want)
	}
	x := NewProcessorWith(ins, book.Exact, Options{})
	got, _ = events(x, rec(orderJSON(1, "TCS", "SELL", 1, "3900", t0, ``)))
	if want := "ACCEPTED 1"; strings.Join(got, "|") != want {
		t.Fatalf("exact: got %v, want %s", got, want)
	}
}
