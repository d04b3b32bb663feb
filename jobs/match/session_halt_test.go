package match

import (
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// TestHaltReferenceAcrossSessionChange: a book restored from a snapshot
// taken under other halt settings (halt_window added between runs) keeps
// the opening auction's price as its halt reference, rather than going
// back to ref_price: a trade 1.4% from the auction (4.3% from ref_price)
// does not halt at 2.5%. The window reaches the book in ms.
func TestHaltReferenceAcrossSessionChange(t *testing.T) {
	nse, err := ParseSession("nse")
	if err != nil {
		t.Fatal(err)
	}
	instruments := func(window int64) *record.Instruments {
		list := record.DefaultInstruments()
		for i := range list {
			if list[i].Symbol == "TCS" {
				list[i].HaltPct, list[i].HaltFor, list[i].HaltWindow = record.MustFixed("2.5"), 300, window
			}
		}
		ins, err := record.NewInstruments(list)
		if err != nil {
			t.Fatal(err)
		}
		return ins
	}
	rec := func(b []byte) *stream.Record { return &stream.Record{Value: b} }
	ist := func(h, m, s int) int64 {
		return time.Date(2023, 3, 13, h, m, s, 0, time.FixedZone("IST", 19_800)).UnixMilli()
	}

	p := NewProcessorWith(instruments(0), book.PriceTime, Options{Session: nse})
	events(p, rec(orderJSON(1, "TCS", "BUY", 1, "3600", ist(9, 1, 0), ``)), rec(orderJSON(2, "TCS", "SELL", 1, "3600", ist(9, 1, 1), ``)),
		rec(orderJSON(3, "TCS", "SELL", 1, "3650", ist(9, 16, 0), ``)))
	if ph := p.Books()["TCS"].Phase(); ph != book.Continuous {
		t.Fatalf("before the restart: %s", ph)
	}
	snap := p.Snapshot(nil)

	q := NewProcessorWith(instruments(60), book.PriceTime, Options{Session: nse})
	if err := q.Restore(snap); err != nil {
		t.Fatal(err)
	}
	b := q.Books()["TCS"]
	if got := b.Session().HaltWindow; got != 60_000 {
		t.Fatalf("restored book: halt window %d ms, want 60000", got)
	}
	got, _ := events(q, rec(orderJSON(4, "TCS", "BUY", 1, "3650", ist(9, 16, 30), ``)))
	if b.Phase() != book.Continuous || len(got) != 3 || got[1] != "FILL 4" {
		t.Fatalf("after the restart: %s, events %v; want CONTINUOUS and a trade", b.Phase(), got)
	}
}
