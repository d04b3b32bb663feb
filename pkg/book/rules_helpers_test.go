package book

import (
	"fmt"

	"github.com/bourse/bourse/pkg/record"
)

// usesRules reports whether a rule case needs Apply: book rules, or an
// order with a field only Apply carries.
func usesRules(c ruleCase) bool {
	if c.rules != (Rules{}) || c.session != (Session{}) {
		return true
	}
	for _, s := range append(c.setup, c.in) {
		if s.tif == DAY || s.stop != 0 || s.display != 0 || s.stpm != 0 || s.post || s.act == MassCancel {
			return true
		}
	}
	return false
}

// eventName is the wire name of an event type, TRIGGERED included.
func eventName(t record.EventType) string {
	if t == Triggered {
		return "TRIGGERED"
	}
	return t.String()
}

// asRecords converts Apply's lean reports to the records Submit would
// build (no reject message: records.go builds none for the rules'
// reasons), so that the shorthand and the reference apply to both paths;
// o is the instruction, whose own fields a REJECTED echoes.
func asRecords(b *Book, lean []leanOut, o *record.Order) []out {
	outs := make([]out, 0, len(lean))
	for _, l := range lean {
		if l.status {
			outs = append(outs, out{status: true, s: l.s})
			continue
		}
		if l.trade {
			t := l.t
			outs = append(outs, out{trade: true, t: record.Trade{TradeID: t.TradeID, Instrument: b.inst.Symbol,
				Price: b.price(t.Ticks), Quantity: b.qty(t.Lots), BuyOrderID: t.BuyOrderID, SellOrderID: t.SellOrderID,
				BuyTrader: t.BuyTrader, SellTrader: t.SellTrader, Aggressor: t.Aggressor, Time: b.clock}})
			continue
		}
		e := l.e
		if e.Type == record.Rejected {
			outs = append(outs, out{e: record.Event{Type: record.Rejected, OrderID: o.ID, Instrument: b.inst.Symbol,
				TraderID: o.TraderID, Side: o.Side, OrderType: o.Type, TIF: o.TIF, Price: o.Price, Quantity: o.Quantity,
				Reason: e.Reason.Code(), Time: b.clock}})
			continue
		}
		outs = append(outs, out{e: record.Event{Type: e.Type, OrderID: e.OrderID, Instrument: b.inst.Symbol,
			TraderID: e.TraderID, Side: e.Side, OrderType: e.OrderType, TIF: e.TIF, Price: b.price(e.Ticks),
			Quantity: b.qty(e.Lots), Leaves: b.qty(e.Leaves), Filled: b.qty(e.Filled), TradeID: e.TradeID,
			Reason: e.Reason.Code(), Time: b.clock}})
	}
	return outs
}

// leanOf is the Apply instruction for the wire order o with the rules'
// fields of x, the wire's "0 keeps" of a REPLACE made explicit.
func leanOf(b *Book, o *record.Order, x ord, tag uint64) *Order {
	lo := &Order{Tag: tag, ID: o.ID, Ticks: o.Ticks, Lots: o.Lots, Time: o.Time, ExpiresAt: o.ExpiresAt,
		TraderID: o.TraderID, Side: o.Side, Type: o.Type, TIF: o.TIF, Action: o.Action,
		Stop: x.stop, Display: x.display, STP: x.stpm, PostOnly: x.post}
	if o.Action == record.Replace {
		if _, tk, lt, ok := b.Resting(o.ID); ok {
			if o.Price == 0 {
				lo.Ticks = tk
			}
			if o.Quantity == 0 {
				lo.Lots = lt
			}
		}
	}
	return lo
}

// checkConservationLean applies s to b through Apply and checks quantity
// conservation and, with the book's self-trade prevention on, that no
// trade has the same trader on both sides; it returns the reports as
// records.
func checkConservationLean(b *Book, s ord, tag uint64) ([]out, error) {
	o := s.order()
	lo := leanOf(b, o, s, tag)
	return applyChecked(b, o, lo)
}

// openOf is the open quantity of a resting order or a pending stop (which
// an auction in the clock advance may trigger before a REPLACE).
func openOf(b *Book, id uint64) int64 {
	if _, _, lots, ok := b.Resting(id); ok {
		return lots
	}
	if ni, ok := b.index.get(id); ok {
		return b.nodes[ni].lots
	}
	return 0
}

func applyChecked(b *Book, o *record.Order, lo *Order) ([]out, error) {
	before := restingLots(b)
	var oldOpen int64
	if o.Action == record.Replace {
		oldOpen = openOf(b, o.ID)
	}
	var rec leanRecorder
	b.Apply(lo, &rec)
	outs := asRecords(b, rec.outs, o)
	if err := conserved(b, outs, before, oldOpen); err != nil {
		return outs, err
	}
	if b.rules.STP != STPOff {
		for _, x := range outs {
			// Auction trades (no aggressor) are outside self-trade
			// prevention (auction.go).
			if x.trade && x.t.Aggressor != 0 && x.t.BuyTrader != "" && x.t.BuyTrader == x.t.SellTrader {
				return outs, fmt.Errorf("self-trade %+v with prevention %s", x.t, b.rules.STP)
			}
		}
	}
	return outs, nil
}

// checkRuleState checks the rules' structures: pending stops are flagged,
// indexed and in no level, and the trigger bounds are theirs; icebergs'
// shown part is at most their display.
func checkRuleState(b *Book) error {
	var buyMin, sellMax int64
	for _, e := range b.stops {
		n := &b.nodes[e.ni]
		if ni, ok := b.index.get(n.id); !ok || ni != e.ni || n.flags&flagStop == 0 || n.level != nilIdx || e.trigger <= 0 {
			return fmt.Errorf("pending stop %d (node %d) inconsistent", n.id, e.ni)
		}
		if n.side == record.Buy && (buyMin == 0 || e.trigger < buyMin) {
			buyMin = e.trigger
		}
		if n.side == record.Sell && e.trigger > sellMax {
			sellMax = e.trigger
		}
	}
	if buyMin != b.buyMin || sellMax != b.sellMax {
		return fmt.Errorf("stop bounds %d/%d, pending stops give %d/%d", b.buyMin, b.sellMax, buyMin, sellMax)
	}
	for s := range b.sides {
		for _, li := range b.sides[s].lvls {
			for ni := b.levels[li].head; ni != nilIdx; ni = b.nodes[ni].next {
				if n := &b.nodes[ni]; n.ice != 0 && n.lots > b.ices[n.ice-1].display {
					return fmt.Errorf("iceberg %d shows %d lots, display %d", n.id, n.lots, b.ices[n.ice-1].display)
				}
			}
		}
	}
	return nil
}
