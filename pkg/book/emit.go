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
	b.setEvent(typ, n, n.ticks, n.lots, n.lots, 0)
	h.Event(&b.ev)
}

// emitDone reports that node n's open quantity leaves the book (CANCELLED,
// EXPIRED, KILLED): Quantity is the open quantity removed, Leaves is 0.
func (b *Book) emitDone(h Handler, n *node, typ record.EventType) {
	b.setEvent(typ, n, n.ticks, n.lots, 0, 0)
	h.Event(&b.ev)
}

// emitFill reports a fill of q lots at ticks for node n, whose lots and
// filled are already updated, for the current trade.
func (b *Book) emitFill(h Handler, n *node, ticks, q int64) {
	typ := record.PartialFill
	if n.lots == 0 {
		typ = record.Fill
	}
	b.setEvent(typ, n, ticks, q, n.lots, b.tradeSeq)
	h.Event(&b.ev)
}

// setEvent fills every field of the scratch event field by field (a
// composite literal would build a temporary and copy it with write
// barriers, which shows on the hot path).
func (b *Book) setEvent(typ record.EventType, n *node, ticks, qty, leaves int64, tradeID uint64) {
	e := &b.ev
	e.Type = typ
	e.OrderID = n.id
	e.Instrument = b.inst.Symbol
	e.TraderID = n.trader
	e.Side = n.side
	e.OrderType = n.typ
	e.TIF = n.tif
	e.Price = b.price(ticks)
	e.Quantity = b.qty(qty)
	e.Leaves = b.qty(leaves)
	e.Filled = b.qty(n.filled)
	e.TradeID = tradeID
	e.Reason = ""
	e.Message = ""
	e.Raw = ""
	e.Time = b.clock
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
	t := &b.tr
	t.TradeID = b.tradeSeq
	t.Instrument = b.inst.Symbol
	t.Price = b.price(ticks)
	t.Quantity = b.qty(q)
	t.BuyOrderID = buy.id
	t.SellOrderID = sell.id
	t.BuyTrader = buy.trader
	t.SellTrader = sell.trader
	t.Aggressor = a.side
	t.Time = b.clock
	h.Trade(t)
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

func msgNotOwner(o *record.Order) string {
	return fmt.Sprintf("expected the trader_id that entered order %d, received %q", o.ID, o.TraderID)
}
