package record

// BookRow is one row of the archived book: one price level changed by one
// book update, with the update's instrument, time, seq and best bid and
// offer after it. An update that changed three levels is three rows with
// the same seq, in the order the levels were touched. Replaying the rows
// of an instrument in (time, seq) order from its first seq rebuilds its
// book at any moment: set each level's quantity and orders, drop it at
// quantity 0. Bid/BidQty/BidOrders (and the ask ones) are 0 when that side
// of the book is empty.
type BookRow struct {
	Instrument string
	Time       int64 // the instrument clock after the update, Unix ms UTC
	Seq        uint64
	Side       Side
	Price      Fixed
	Quantity   Fixed // the level's new total; 0 = level removed
	Orders     int64
	Bid        Fixed
	BidQty     Fixed
	BidOrders  int64
	Ask        Fixed
	AskQty     Fixed
	AskOrders  int64
}

// BookRows appends the rows of update u to dst.
func BookRows(dst []BookRow, u *BookUpdate) []BookRow {
	for _, l := range u.Levels {
		r := BookRow{Instrument: u.Instrument, Time: u.Time, Seq: u.Seq, Side: l.Side,
			Price: l.Price, Quantity: l.Quantity, Orders: l.Orders}
		if u.HasBid {
			r.Bid, r.BidQty, r.BidOrders = u.Bid, u.BidQty, u.BidOrders
		}
		if u.HasAsk {
			r.Ask, r.AskQty, r.AskOrders = u.Ask, u.AskQty, u.AskOrders
		}
		dst = append(dst, r)
	}
	return dst
}

// BookRowFields is the table of BookRow, the archived form of book updates
// (it has no JSON form).
var BookRowFields = []Field[BookRow]{
	stringField("instrument", FieldSymbol, func(r *BookRow) *string { return &r.Instrument }),
	timeField("time", func(r *BookRow) *int64 { return &r.Time }),
	idField("seq", func(r *BookRow) *uint64 { return &r.Seq }),
	sideField("side", func(r *BookRow) *Side { return &r.Side }),
	fixedField("price", func(r *BookRow) *Fixed { return &r.Price }),
	fixedField("quantity", func(r *BookRow) *Fixed { return &r.Quantity }),
	countField("orders", func(r *BookRow) *int64 { return &r.Orders }),
	fixedField("bid", func(r *BookRow) *Fixed { return &r.Bid }),
	fixedField("bid_quantity", func(r *BookRow) *Fixed { return &r.BidQty }),
	countField("bid_orders", func(r *BookRow) *int64 { return &r.BidOrders }),
	fixedField("ask", func(r *BookRow) *Fixed { return &r.Ask }),
	fixedField("ask_quantity", func(r *BookRow) *Fixed { return &r.AskQty }),
	countField("ask_orders", func(r *BookRow) *int64 { return &r.AskOrders }),
}
