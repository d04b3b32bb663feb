package book

import (
	"fmt"

	"github.com/bourse/bourse/pkg/record"
)

func (b *Book) price(ticks int64) record.Fixed { return record.Fixed(ticks) * b.inst.TickSize }
func (b *Book) qty(lots int64) record.Fixed    { return record.Fixed(lots) * b.inst.LotSize }

// emitState reports an order-level event (ACCEPTED, REPLACED) for node n:
// its limit price and open quantity.
func (b *Book) emitState(h Handler, typ record.EventType, n *node) {
	b.ev = record.Event{
		Type: typ, OrderID: n.id, Instrument: b.inst.Symbol, TraderID: n.trader,
		Side: n.side, OrderType: n.typ, TIF: n.tif,
		Price: b.price(n.ticks), Quantity: b.qty(n.lots),
		Leaves: b.qty(n.lots), Filled: b.qty(n.filled), Time: b.clock,
	}
	h.Event(&b.ev)
}

// emitDone reports that node n's open quantity leaves the book (CANCELLED,
// EXPIRED, KILLED): Quantity is the open quantity removed, Leaves is 0.
func (b *Book) emitDone(h Handler, n *node, typ record.EventType) {
	b.ev = record.Event{
		Type: typ, OrderID: n.id, Instrument: b.inst.Symbol, TraderID: n.trader,
		Side: n.side, OrderType: n.typ, TIF: n.tif,
		Price: b.price(n.ticks), Quantity: b.qty(n.lots),
		Filled: b.qty(n.filled), Time: b.clock,
	}
	h.Event(&b.ev)
}

// emitFill reports a fill of q lots at ticks for node n, whose lots and
// filled are already updated, for the current trade.
func (b *Book) emitFill(h Handler, n *node, ticks, q int64) {
	typ := record.PartialFill
	if n.lots == 0 {
		typ = record.Fill
	}
	b.ev = record.Event{
		Type: typ, OrderID: n.id, Instrument: b.inst.Symbol, TraderID: n.trader,
		Side: n.side, OrderType: n.typ, TIF: n.tif,
		Price: b.price(ticks), Quantity: b.qty(q),
		Leaves: b.qty(n.lots), Filled: b.qty(n.filled),
		TradeID: b.tradeSeq, Time: b.clock,
	}
	h.Event(&b.ev)
}

// trade reports one execution of q lots at ticks between the aggressor a and
// the resting order r (both already updated): the trade, then the
// aggressor's fill, then the resting order's fill.
func (b *Book) trade(h Handler, a, r *node, ticks, q int64) {
	b.tradeSeq++
	buy, sell := a, r
	if a.side == record.Sell {
		buy, sell = r, a
	}
	b.tr = record.Trade{
		TradeID: b.tradeSeq, Instrument: b.inst.Symbol,
		Price: b.price(ticks), Quantity: b.qty(q),
		BuyOrderID: buy.id, SellOrderID: sell.id,
		BuyTrader: buy.trader, SellTrader: sell.trader,
		Aggressor: a.side, Time: b.clock,
	}
	h.Trade(&b.tr)
	b.emitFill(h, a, ticks, q)
	b.emitFill(h, r, ticks, q)
}

// reject reports a REJECTED event for the incoming order o.
func (b *Book) reject(o *record.Order, h Handler, reason, msg string) {
	b.ev = record.Event{
		Type: record.Rejected, OrderID: o.ID, Instrument: b.inst.Symbol, TraderID: o.TraderID,
		Side: o.Side, OrderType: o.Type, TIF: o.TIF,
		Price: o.Price, Quantity: o.Quantity,
		Reason: reason, Message: msg, Time: b.clock,
	}
	h.Event(&b.ev)
}

// Reject messages say what was expected and what was received.

func msgAction(a record.Action) string {
	return fmt.Sprintf("expected action NEW, CANCEL or REPLACE, received action code %d", uint8(a))
}

func msgSide(s record.Side) string {
	return fmt.Sprintf("expected side BUY or SELL, received side code %d", uint8(s))
}

func msgKind(o *record.Order) string {
	return fmt.Sprintf("expected order type LIMIT or MARKET and time in force GTC, IOC or FOK, received codes %d and %d", uint8(o.Type), uint8(o.TIF))
}

func msgLots(lots int64) string {
	return fmt.Sprintf("expected a positive quantity in lots, received %d lots", lots)
}

func msgTicks(ticks int64) string {
	return fmt.Sprintf("expected a positive limit price in ticks, received %d ticks", ticks)
}

func msgDuplicate(id uint64, symbol string) string {
	return fmt.Sprintf("expected a new order id, received id %d which is already resting on %s", id, symbol)
}

func msgUnknown(id uint64, symbol string) string {
	return fmt.Sprintf("expected the id of an order resting on %s, received id %d which is not resting", symbol, id)
}

func msgExpired(expires, clock int64) string {
	return fmt.Sprintf("expected expires_at at or after the instrument clock %d, received %d", clock, expires)
}

func msgUnsupportedNew(o *record.Order) string {
	return fmt.Sprintf("expected a LIMIT GTC order under the exact matching policy, received %s %s", o.Type, o.TIF)
}

func msgUnsupportedReplace() string {
	return "expected NEW or CANCEL under the exact matching policy, received REPLACE"
}
