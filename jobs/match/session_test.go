package match

import (
	"testing"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// TestParseSession: the forms of --session, and errors as usage errors.
func TestParseSession(t *testing.T) {
	const h, m = 3_600_000, 60_000
	nse := book.Session{Offset: 5*h + 30*m, PreOpen: 9 * h, Auction: 9*h + 8*m, Open: 9*h + 15*m, Close: 15*h + 30*m}
	for in, want := range map[string]book.Session{
		"":                               {},
		"off":                            {},
		"NSE":                            nse,
		"09:00-09:08/09:15-15:30@+05:30": nse,
		"09:00-09:15/09:15-24:00":        {PreOpen: 9 * h, Auction: 9*h + 15*m, Open: 9*h + 15*m, Close: 24 * h},
		"08:00-08:30/09:00-17:00@-04:00": {Offset: -4 * h, PreOpen: 8 * h, Auction: 8*h + 30*m, Open: 9 * h, Close: 17 * h},
		"00:00-00:01/00:01-23:59@Z":      {PreOpen: 0, Auction: m, Open: m, Close: 23*h + 59*m},
	} {
		got, err := ParseSession(in)
		if err != nil || got != want {
			t.Errorf("ParseSession(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"on", "09:00/09:15", "09:00-09:08/09:15-15:30@+5:30", "09:00-09:08/09:15-15:30@+19:00",
		"24:00-24:00/24:00-24:00", "09:00-09:00/09:15-15:30", "09:00-09:08/15:30-15:30", "09:00-09:08/09:15-15:60"} {
		if _, err := ParseSession(in); !setup.IsUsage(err) {
			t.Errorf("ParseSession(%q): %v, want a usage error", in, err)
		}
	}
}

// TestSessionSettings: --session (Options.Session) reaches every book with
// its instrument's ref_price and halts, also a book restored from a
// snapshot and one whose sizes changed.
func TestSessionSettings(t *testing.T) {
	list := record.DefaultInstruments()
	for i := range list {
		if list[i].Symbol == "TCS" {
			list[i].HaltPct, list[i].HaltFor = record.MustFixed("2.5"), 300
		}
	}
	ins, err := record.NewInstruments(list)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := ParseSession("nse")
	if err != nil {
		t.Fatal(err)
	}
	want := sess
	want.Ref, want.HaltBP, want.HaltFor = 350_000, 250, 300_000
	opt := Options{Session: sess}
	rec := func(b []byte) *stream.Record { return &stream.Record{Value: b} }
	p := NewProcessorWith(ins, book.PriceTime, opt)
	events(p, rec(orderJSON(1, "TCS", "SELL", 1, "3500", t0, ``)), rec(orderJSON(2, "INFY", "SELL", 1, "1500", t0, ``)))
	if got := p.Books()["TCS"].Session(); got != want {
		t.Fatalf("new book: session %+v, want %+v", got, want)
	}
	snap := p.Snapshot(nil)
	q := NewProcessorWith(ins, book.PriceTime, opt)
	if err := q.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if got := q.Books()["TCS"].Session(); got != want {
		t.Fatalf("restored book: session %+v, want %+v", got, want)
	}
	for i := range list {
		if list[i].Symbol == "INFY" {
			list[i].TickSize = record.MustFixed("0.05")
		}
	}
	changed, err := record.NewInstruments(list)
	if err != nil {
		t.Fatal(err)
	}
	r := NewProcessorWith(changed, book.PriceTime, opt)
	if err := r.Restore(snap); err != nil {
		t.Fatal(err)
	}
	r.Flush(discard{}) // cancels INFY's order, gives the book the new sizes
	wantINFY := sess
	wantINFY.Ref = 30_000
	if got := r.Books()["INFY"].Session(); got != wantINFY {
		t.Fatalf("book with new sizes: session %+v, want %+v", got, wantINFY)
	}
}

type discard struct{}

func (discard) Emit(record.Record) {}
