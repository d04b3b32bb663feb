package book_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
)

type printer struct{} // a Listener that prints each report
func (printer) OnTrade(t *book.Trade) {
	fmt.Printf("tag %d: trade %d, %d lots at %d ticks\n", t.Tag, t.TradeID, t.Lots, t.Ticks)
}
func (printer) OnEvent(e *book.Event) {
	fmt.Printf("tag %d: %s order %d %s %d@%d leaves %d (%s)\n",
		e.Tag, e.Type, e.OrderID, e.Side, e.Lots, e.Ticks, e.Leaves, e.Reason)
}

// Example embeds a book: orders in ticks and lots with a caller tag, lean
// reports to a Listener. doc.go shows the same lines.
func Example() {
	inst := record.Instrument{Symbol: "XYZ", TickSize: record.MustFixed("0.01"), LotSize: record.One}
	b := book.New(inst, book.PriceTime, 1024)
	var p printer
	b.Apply(&book.Order{Tag: 1, ID: 10, Side: record.Sell, Ticks: 10050, Lots: 5, Time: 1}, p)
	b.Apply(&book.Order{Tag: 2, ID: 11, Side: record.Buy, Ticks: 10051, Lots: 3, Time: 2}, p)
	b.Apply(&book.Order{Tag: 3, ID: 10, Action: record.Replace, Ticks: 10049, Lots: 1, Time: 3}, p)
	b.Apply(&book.Order{Tag: 4, ID: 99, Action: record.Cancel, Time: 4}, p)
	// Output:
	// tag 1: ACCEPTED order 10 SELL 5@10050 leaves 5 (NONE)
	// tag 2: ACCEPTED order 11 BUY 3@10051 leaves 3 (NONE)
	// tag 2: trade 1, 3 lots at 10050 ticks
	// tag 2: FILL order 11 BUY 3@10050 leaves 0 (NONE)
	// tag 2: PARTIAL_FILL order 10 SELL 3@10050 leaves 2 (NONE)
	// tag 3: REPLACED order 10 SELL 1@10049 leaves 1 (NONE)
	// tag 4: REJECTED order 99 UNKNOWN 0@0 leaves 0 (UNKNOWN_ORDER)
}

// TestDocShowsTheExample requires every code line of doc.go's embedding
// example to be a line of this file, in the same order, so that the
// documented example is the one that runs.
func TestDocShowsTheExample(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var code []string
	in := false
	for _, l := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(l, "// # Embedding"):
			in = true
		case in && strings.HasPrefix(l, "// #"):
			in = false
		case in && strings.HasPrefix(l, "//\t"):
			code = append(code, strings.TrimSpace(strings.TrimPrefix(l, "//\t")))
		}
	}
	if len(code) == 0 || len(code) > 20 {
		t.Fatalf("expected an embedding example of 1-20 lines in doc.go, got %d", len(code))
	}
	lines := strings.Split(string(self), "\n")
	i := 0
	for _, c := range code {
		for i < len(lines) && strings.TrimSpace(lines[i]) != c {
			i++
		}
		if i == len(lines) {
			t.Fatalf("doc.go example line %q is not in Example (in order)", c)
		}
		i++
	}
}
