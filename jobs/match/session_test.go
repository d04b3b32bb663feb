package match

import (
	"strings"
	"testing"
	"time"

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

// TestSessionChangedBetweenRuns: a snapshot taken under one session
// restores under another when its books can change session (not crossed);
// a book crossed in PRE_OPEN fails the restore with the reason instead.
func TestSessionChangedBetweenRuns(t *testing.T) {
	ins := record.DefaultInstruments()
	list, err := record.NewInstruments(ins)
	if err != nil {
		t.Fatal(err)
	}
	nse, err := ParseSession("nse")
	if err != nil {
		t.Fatal(err)
	}
	other, err := ParseSession("09:00-09:10/09:15-15:00@+05:30")
	if err != nil {
		t.Fatal(err)
	}
	preOpen := time.Date(2023, 3, 13, 3, 31, 0, 0, time.UTC).UnixMilli() // 09:01 IST
	rec := func(b []byte) *stream.Record { return &stream.Record{Value: b} }
	snapshot := func(orders ...[]byte) []byte {
		p := NewProcessorWith(list, book.PriceTime, Options{Session: nse})
		for _, o := range orders {
			events(p, rec(o))
		}
		return p.Snapshot(nil)
	}

	calm := snapshot(orderJSON(1, "TCS", "SELL", 1, "3600", preOpen, ``), orderJSON(2, "TCS", "BUY", 1, "3500", preOpen, ``))
	for _, s := range []book.Session{other, {}} {
		q := NewProcessorWith(list, book.PriceTime, Options{Session: s})
		if err := q.Restore(calm); err != nil {
			t.Fatalf("uncrossed book under session %+v: %v", s, err)
		}
		got := q.Books()["TCS"]
		if want := q.session(&ins[indexOf(t, ins, "TCS")]); got.Session() != want {
			t.Errorf("restored book: session %+v, want %+v", got.Session(), want)
		}
		if got.Len() != 2 {
			t.Errorf("restored book holds %d orders, want 2", got.Len())
		}
	}

	crossed := snapshot(orderJSON(1, "TCS", "SELL", 1, "3500", preOpen, ``), orderJSON(2, "TCS", "BUY", 1, "3600", preOpen, ``))
	q := NewProcessorWith(list, book.PriceTime, Options{Session: other})
	err = q.Restore(crossed)
	if err == nil || !strings.Contains(err.Error(), "another trading session") {
		t.Fatalf("crossed pre-open book under a changed session: got %v, want the reason", err)
	}
	if err := NewProcessorWith(list, book.PriceTime, Options{Session: nse}).Restore(crossed); err != nil {
		t.Fatalf("crossed pre-open book under its own session: %v", err)
	}
}

func indexOf(t *testing.T, ins []record.Instrument, sym string) int {
	for i := range ins {
		if ins[i].Symbol == sym {
			return i
		}
	}
	t.Fatalf("no instrument %s", sym)
	return -1
}
