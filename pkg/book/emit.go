package book

import "github.com/bourse/bourse/pkg/record"

// The emitters fill the Book's two scratch reports field by field (a
// composite literal would build a temporary and copy it with write
// barriers, which shows on the hot path) and hand them to the Listener.

// emitState reports an order-level event (ACCEPTED, REPLACED, TRIGGERED)
// for node n: its limit price and open quantity (an iceberg's whole).
func (b *Book) emitState(h Listener, typ record.EventType, n *node) {
	open := b.open(n)
	b.setEvent(typ, n, n.ticks, open, open, 0)
	h.OnEvent(&b.ev)
}

// emitDone reports that node n's open quantity leaves the book (CANCELLED,
// EXPIRED, KILLED): Lots is the open quantity removed, Leaves is 0.
func (b *Book) emitDone(h Listener, n *node, typ record.EventType) {
	b.setEvent(typ, n, n.ticks, b.open(n), 0, 0)
	h.OnEvent(&b.ev)
}

// emitFill reports a fill of q lots at ticks for node n, whose lots and
// filled are already updated, for the current trade. Leaves is the whole
// open quantity, an iceberg's reserve included.
func (b *Book) emitFill(h Listener, n *node, ticks, q int64) {
	open := b.open(n)
	typ := record.PartialFill
	if open == 0 {
		typ = record.Fill
	}
	b.setEvent(typ, n, ticks, q, open, b.tradeSeq)
	h.OnEvent(&b.ev)
}

func (b *Book) setEvent(typ record.EventType, n *node, ticks, lots, leaves int64, tradeID uint64) {
	e := &b.ev
	e.Tag = b.tag
	e.OrderID = n.id
	e.TradeID = tradeID
	e.Ticks = ticks
	e.Lots = lots
	e.Leaves = leaves
	e.Filled = n.filled
	e.TraderID = n.trader
	e.Type = typ
	e.Side = n.side
	e.OrderType = n.typ
	e.TIF = n.tif
	e.Reason = ReasonNone
}

// trade reports one execution of q lots at ticks between the aggressor a and
// the resting order r (both already updated): the trade, then the
// aggressor's fill, then the resting order's fill.
func (b *Book) trade(h Listener, a, r *node, ticks, q int64) {
	buy, sell := a, r
	if a.side == record.Sell {
		buy, sell = r, a
	}
	b.printTrade(h, buy, sell, a.side, ticks, q)
	b.emitFill(h, a, ticks, q)
	b.emitFill(h, r, ticks, q)
}

// printTrade numbers and reports a trade of q lots at ticks between buy
// and sell (aggressor 0 in an auction), and lets it trigger stops.
func (b *Book) printTrade(h Listener, buy, sell *node, aggressor record.Side, ticks, q int64) {
	b.tradeSeq++
	b.ss.last = ticks
	if len(b.stops) != 0 {
		b.traded(ticks)
	}
	t := &b.tr
	t.Tag = b.tag
	t.TradeID = b.tradeSeq
	t.Ticks = ticks
	t.Lots = q
	t.BuyOrderID = buy.id
	t.SellOrderID = sell.id
	t.BuyTrader = buy.trader
	t.SellTrader = sell.trader
	t.Aggressor = aggressor
	h.OnTrade(t)
}

// reject reports a REJECTED event for the incoming order o, echoing its
// own fields. No message is built here: Submit's record reports build it.
func (b *Book) reject(o *Order, h Listener, why Reason) {
	e := &b.ev
	e.Tag = o.Tag
	e.OrderID = o.ID
	e.TradeID = 0
	e.Ticks = o.Ticks
	e.Lots = o.Lots
	e.Leaves = 0
	e.Filled = 0
	e.TraderID = o.TraderID
	e.Type = record.Rejected
	e.Side = o.Side
	e.OrderType = o.Type
	e.TIF = o.TIF
	e.Reason = why
	h.OnEvent(e)
}
