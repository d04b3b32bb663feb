package book

import (
	"strconv"

	"github.com/bourse/bourse/pkg/record"
)

// Submit applies one validated wire order (NEW, CANCEL, REPLACE or
// CANCEL_ALL, with the rules' fields in o.StopTicks, o.DisplayLots,
// o.PostOnly and o.STP) and
// reports the trades and execution reports that follow to h as records
// (nil drops them): the wire records, with decimal prices and quantities,
// trader ids and, on REJECTED, a reason code and a message. The records are
// only valid during the call (the Book reuses them), and h must not call
// back into the Book that is calling it. It is Apply with a StatusListener
// that turns each lean report into a record.Trade, record.Event or (a
// phase change of a book with a session) record.Status; Tag is 0.
//
// The wire's REPLACE keeps the resting order's price when o.Price is 0 and
// its open quantity when o.Quantity is 0; Submit turns that into the
// explicit Ticks and Lots that Apply takes (Resting's after the clock
// advance, auctions and expiries included: an iceberg keeps its whole
// open quantity, shown and hidden). A CANCELLED by a rule
// carries the rule's reason code (SELF_TRADE, MASS_CANCEL). REJECTED reports echo o's own
// decimal fields, and only here are their messages built.
func (b *Book) Submit(o *record.Order, h record.Emitter) {
	in := &b.in
	in.Tag = 0
	in.ID = o.ID
	in.Ticks = o.Ticks
	in.Lots = o.Lots
	in.Time = o.Time
	in.ExpiresAt = o.ExpiresAt
	in.TraderID = o.TraderID
	in.Side = o.Side
	in.Type = o.Type
	in.TIF = o.TIF
	in.Action = o.Action // record.CancelAll is MassCancel
	in.Stop = o.StopTicks
	in.Display = o.DisplayLots
	in.STP = STPMode(o.STP)
	in.PostOnly = o.PostOnly
	var l Listener = nop{}
	if h != nil {
		r := &b.rec
		r.h, r.o = h, o
		l = r
	}
	b.tick(in, l)
	// "Keep" reads the order after the clock advance: an auction in it may
	// have filled part of it.
	if o.Action == record.Replace && (o.Price == 0 || o.Quantity == 0) {
		if _, ticks, lots, ok := b.Resting(o.ID); ok {
			if o.Price == 0 {
				in.Ticks = ticks
			}
			if o.Quantity == 0 {
				in.Lots = lots // an iceberg's whole open quantity
			}
		}
	}
	b.act(in, l)
	if h != nil {
		b.rec.reset()
	}
	in.TraderID = ""
}

// records is the StatusListener behind Submit and CancelAll: it turns lean
// reports into records for an Emitter, converting ticks and lots back to
// Fixed as ticks×TickSize and lots×LotSize, and phase changes into
// record.Status, in the order the book reports them.
type records struct {
	b           *Book
	h           record.Emitter
	o           *record.Order // the order Submit is applying; nil in CancelAll
	reason, msg string        // CancelAll's, copied to its CANCELLED events
	tr          record.Trade
	ev          record.Event
	st          record.Status
	buf         []byte // message scratch
}

func (r *records) OnStatus(s *Status) {
	x := &r.st
	x.Instrument = r.b.inst.Symbol
	x.Phase = s.Phase.String()
	x.Time = s.At
	r.h.Emit(x)
}

// reset drops the references to the caller's handler and order.
func (r *records) reset() { r.h, r.o, r.reason, r.msg = nil, nil, "", "" }

func (r *records) OnTrade(t *Trade) {
	b := r.b
	x := &r.tr
	x.TradeID = t.TradeID
	x.Instrument = b.inst.Symbol
	x.Price = b.price(t.Ticks)
	x.Quantity = b.qty(t.Lots)
	x.BuyOrderID = t.BuyOrderID
	x.SellOrderID = t.SellOrderID
	x.BuyTrader = t.BuyTrader
	x.SellTrader = t.SellTrader
	x.Aggressor = t.Aggressor
	x.Time = b.clock
	r.h.Emit(x)
}

func (r *records) OnEvent(e *Event) {
	if e.Type == record.Rejected {
		r.rejected(e)
		return
	}
	b := r.b
	x := &r.ev
	x.Type = e.Type
	x.OrderID = e.OrderID
	x.Instrument = b.inst.Symbol
	x.TraderID = e.TraderID
	x.Side = e.Side
	x.OrderType = e.OrderType
	x.TIF = e.TIF
	x.Price = b.price(e.Ticks)
	x.Quantity = b.qty(e.Lots)
	x.Leaves = b.qty(e.Leaves)
	x.Filled = b.qty(e.Filled)
	x.TradeID = e.TradeID
	x.Reason = r.reason
	if e.Reason != ReasonNone {
		x.Reason = e.Reason.Code()
	}
	x.Message = r.msg
	x.Raw = ""
	x.Time = b.clock
	r.h.Emit(x)
}

// rejected reports a REJECTED record echoing the wire order's own fields,
// with the reason code and a message saying what was expected and what was
// received.
func (r *records) rejected(e *Event) {
	o := r.o
	r.ev = record.Event{
		Type: record.Rejected, OrderID: o.ID, Instrument: r.b.inst.Symbol, TraderID: o.TraderID,
		Side: o.Side, OrderType: o.Type, TIF: o.TIF,
		Price: o.Price, Quantity: o.Quantity,
		Reason: e.Reason.Code(), Message: r.message(e.Reason), Time: r.b.clock,
	}
	r.h.Emit(&r.ev)
}

func (b *Book) price(ticks int64) record.Fixed { return record.Fixed(ticks) * b.inst.TickSize }
func (b *Book) qty(lots int64) record.Fixed    { return record.Fixed(lots) * b.inst.LotSize }

// message builds the reject message for why about the wire order r.o, in
// one allocation.
func (r *records) message(why Reason) string {
	o, sym := r.o, r.b.inst.Symbol
	m := r.buf[:0]
	switch why {
	case ReasonBadAction:
		m = append(m, "expected action NEW, CANCEL, REPLACE or CANCEL_ALL, received action code "...)
		m = strconv.AppendUint(m, uint64(o.Action), 10)
	case ReasonBadSide:
		m = append(m, "expected side BUY or SELL, received side code "...)
		m = strconv.AppendUint(m, uint64(o.Side), 10)
	case ReasonBadKind:
		if o.UsesRules() && o.Type <= record.Market && o.TIF <= record.DAY {
			m = append(m, "expected display_quantity and post_only only on a LIMIT GTC or DAY order without stop_price, received "...)
			m = append(m, o.Type.String()...)
			m = append(m, ' ')
			m = append(m, o.TIF.String()...)
			if o.StopPrice != 0 {
				m = append(m, " with stop_price"...)
			}
			break
		}
		m = append(m, "expected order type LIMIT or MARKET and time in force GTC, IOC, FOK or DAY, received codes "...)
		m = strconv.AppendUint(m, uint64(o.Type), 10)
		m = append(m, " and "...)
		m = strconv.AppendUint(m, uint64(o.TIF), 10)
	case ReasonBadLots:
		m = append(m, "expected a positive quantity in lots, received "...)
		m = strconv.AppendInt(m, o.Lots, 10)
		m = append(m, " lots"...)
	case ReasonBadTicks:
		m = append(m, "expected a positive limit price in ticks, received "...)
		m = strconv.AppendInt(m, o.Ticks, 10)
		m = append(m, " ticks"...)
	case ReasonDuplicateID:
		m = append(m, "expected a new order id, received id "...)
		m = strconv.AppendUint(m, o.ID, 10)
		m = append(m, " which is already resting on "...)
		m = append(m, sym...)
	case ReasonUnknownOrder:
		m = append(m, "expected the id of an order resting on "...)
		m = append(m, sym...)
		m = append(m, ", received id "...)
		m = strconv.AppendUint(m, o.ID, 10)
		m = append(m, " which is not resting"...)
	case ReasonExpired:
		m = append(m, "expected expires_at at or after the instrument clock "...)
		m = strconv.AppendInt(m, r.b.clock, 10)
		m = append(m, ", received "...)
		m = strconv.AppendInt(m, o.ExpiresAt, 10)
	case ReasonUnsupported:
		if o.Action == record.Replace {
			return "expected NEW, CANCEL or CANCEL_ALL under the exact matching policy, received REPLACE"
		}
		if o.UsesRules() {
			return "expected no stop_price, display_quantity, post_only or stp under the exact matching policy, received an order using them"
		}
		m = append(m, "expected a LIMIT GTC order under the exact matching policy, received "...)
		m = append(m, o.Type.String()...)
		m = append(m, ' ')
		m = append(m, o.TIF.String()...)
	case ReasonWouldTrade:
		m = append(m, "expected a post_only price that does not trade on arrival, received "...)
		m = append(m, r.b.price(r.b.in.Ticks).String()...)
		m = append(m, ", which meets the best opposite price on "...)
		m = append(m, sym...)
	case ReasonPriceBand:
		m = append(m, "expected a limit price within the price band "...)
		m = append(m, r.b.price(r.b.bandLo).String()...)
		m = append(m, " to "...)
		m = append(m, r.b.price(r.b.bandHi).String()...)
		m = append(m, " of "...)
		m = append(m, sym...)
		m = append(m, ", received "...)
		m = append(m, r.b.price(r.b.in.Ticks).String()...)
	case ReasonNoTrader:
		return "expected a trader_id on CANCEL_ALL, received none"
	case ReasonStopReplace:
		m = append(m, "expected REPLACE of a resting order, received order "...)
		m = strconv.AppendUint(m, o.ID, 10)
		m = append(m, " which is a pending stop (cancel it and enter a new one)"...)
	case ReasonNotOwner:
		m = append(m, "expected the trader_id that entered order "...)
		m = strconv.AppendUint(m, o.ID, 10)
		m = append(m, ", received "...)
		m = strconv.AppendQuote(m, o.TraderID)
	default:
		return ""
	}
	r.buf = m
	return string(m)
}
