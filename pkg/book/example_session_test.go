package book_test

import (
	"fmt"
	"time"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
)

// statusPrinter is a printer that is also told of phase changes.
type statusPrinter struct{ printer }

func (statusPrinter) OnStatus(s *book.Status) {
	fmt.Printf("tag %d: phase %s at %s\n", s.Tag, s.Phase, time.UnixMilli(s.At).In(ist).Format("15:04"))
}

var ist = time.FixedZone("IST", 5*3600+1800)

// ExampleBook_SetSession runs an NSE-like morning: two crossed orders in
// the pre-open, the call auction at 09:08, the buffer, continuous trading
// from 09:15.
func ExampleBook_SetSession() {
	const hour, minute = 3_600_000, 60_000
	inst := record.Instrument{Symbol: "XYZ", TickSize: record.MustFixed("0.05"), LotSize: record.One}
	b := book.New(inst, book.PriceTime, 1024)
	if err := b.SetSession(book.Session{Offset: 5*hour + 30*minute,
		PreOpen: 9 * hour, Auction: 9*hour + 8*minute,
		Open: 9*hour + 15*minute, Close: 15*hour + 30*minute}); err != nil {
		panic(err)
	}
	at := func(hh, mm int) int64 { return time.Date(2026, 12, 1, hh, mm, 0, 0, ist).UnixMilli() }
	var p statusPrinter
	b.Apply(&book.Order{Tag: 1, ID: 1, Side: record.Sell, Ticks: 2000, Lots: 5, Time: at(9, 1)}, p)
	b.Apply(&book.Order{Tag: 2, ID: 2, Side: record.Buy, Ticks: 2004, Lots: 3, Time: at(9, 2)}, p)
	b.Apply(&book.Order{Tag: 3, ID: 3, Side: record.Buy, Ticks: 2001, Lots: 1, Time: at(9, 10)}, p)
	b.Apply(&book.Order{Tag: 4, ID: 3, Side: record.Buy, Ticks: 2001, Lots: 1, Time: at(9, 16)}, p)
	// Output:
	// tag 1: phase PRE_OPEN at 09:01
	// tag 1: ACCEPTED order 1 SELL 5@2000 leaves 5 (NONE)
	// tag 2: ACCEPTED order 2 BUY 3@2004 leaves 3 (NONE)
	// tag 3: trade 1, 3 lots at 2000 ticks
	// tag 3: FILL order 2 BUY 3@2000 leaves 0 (NONE)
	// tag 3: PARTIAL_FILL order 1 SELL 3@2000 leaves 2 (NONE)
	// tag 3: phase BUFFER at 09:08
	// tag 3: REJECTED order 3 BUY 1@2001 leaves 0 (CLOSED)
	// tag 4: phase CONTINUOUS at 09:15
	// tag 4: ACCEPTED order 3 BUY 1@2001 leaves 1 (NONE)
	// tag 4: trade 2, 1 lots at 2000 ticks
	// tag 4: FILL order 3 BUY 1@2000 leaves 0 (NONE)
	// tag 4: PARTIAL_FILL order 1 SELL 1@2000 leaves 1 (NONE)
}
