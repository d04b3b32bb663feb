package columnar

import (
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/bourse/bourse/pkg/record"
)

// BookRow is one row of the book dataset: one price level changed by one
// book update (record.BookUpdate), with the update's instrument, time, seq
// and best bid and offer after it. An update that changed three levels is
// three rows with the same seq, in the order the levels were touched.
// Replaying the rows of an instrument in (time, seq) order from its first
// seq rebuilds its book at any moment: set each level's quantity and
// orders, drop it at quantity 0. Bid/BidQty/BidOrders (and the ask ones)
// are 0 when that side of the book is empty.
type BookRow struct {
	Instrument string
	Time       int64 // the instrument clock after the update, Unix ms UTC
	Seq        uint64
	Side       record.Side
	Price      record.Fixed
	Quantity   record.Fixed // the level's new total; 0 = level removed
	Orders     int64
	Bid        record.Fixed
	BidQty     record.Fixed
	BidOrders  int64
	Ask        record.Fixed
	AskQty     record.Fixed
	AskOrders  int64
}

// BookRows appends the rows of update u to dst.
func BookRows(dst []BookRow, u *record.BookUpdate) []BookRow {
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

// BookSchema is the book dataset's micro-batch schema.
var BookSchema = schemaOf(
	dict("instrument"), ts("time"), u64("seq"), dict("side"), dec("price"), dec("quantity"), i64("orders"),
	dec("bid"), dec("bid_quantity"), i64("bid_orders"), dec("ask"), dec("ask_quantity"), i64("ask_orders"))

// BookCodec converts book rows; the day is that of time, ties broken by
// seq (rows of one update keep their order: the archive sorts stably).
var BookCodec = &Codec[BookRow]{
	Dataset:    Book,
	Schema:     BookSchema,
	Time:       func(r *BookRow) int64 { return r.Time },
	Key:        func(r *BookRow) uint64 { return r.Seq },
	Instrument: func(r *BookRow) string { return r.Instrument },
	check: func(r *BookRow) error {
		return checkFixed(Book, r.Price, r.Quantity, r.Bid, r.BidQty, r.Ask, r.AskQty)
	},
	append: func(b []array.Builder, r *BookRow) {
		appendDict(b[0], r.Instrument)
		appendTS(b[1], r.Time)
		appendU64(b[2], r.Seq)
		appendDict(b[3], r.Side.String())
		appendDec(b[4], r.Price)
		appendDec(b[5], r.Quantity)
		appendI64(b[6], r.Orders)
		appendDec(b[7], r.Bid)
		appendDec(b[8], r.BidQty)
		appendI64(b[9], r.BidOrders)
		appendDec(b[10], r.Ask)
		appendDec(b[11], r.AskQty)
		appendI64(b[12], r.AskOrders)
	},
	decode: func(c *cols) func(int, *BookRow) {
		ins, tm, seq, side, px, qty, n := c.str("instrument"), c.ts("time"), c.u64("seq"), c.str("side"), c.dec("price"), c.dec("quantity"), c.i64("orders")
		bid, bq, bn, ask, aq, an := c.dec("bid"), c.dec("bid_quantity"), c.i64("bid_orders"), c.dec("ask"), c.dec("ask_quantity"), c.i64("ask_orders")
		return func(i int, r *BookRow) {
			r.Instrument, r.Time, r.Seq, r.Side, r.Price, r.Quantity, r.Orders = ins(i), tm(i), seq(i), sideByName[side(i)], px(i), qty(i), n(i)
			r.Bid, r.BidQty, r.BidOrders, r.Ask, r.AskQty, r.AskOrders = bid(i), bq(i), bn(i), ask(i), aq(i), an(i)
		}
	},
}
