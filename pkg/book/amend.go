package book

import "github.com/bourse/bourse/pkg/record"

// cancel removes the resting order o.ID with a CANCELLED event.
func (b *Book) cancel(o *record.Order, h Handler) {
	ni, ok := b.index.get(o.ID)
	if !ok {
		b.reject(o, h, record.ReasonUnknownOrder, msgUnknown(o.ID, b.inst.Symbol))
		return
	}
	b.emitDone(h, &b.nodes[ni], record.Cancelled)
	b.remove(ni)
}

// replace gives the resting order o.ID a new price (o.Ticks, unless
// o.Price is 0) and/or open quantity (o.Lots, unless o.Quantity is 0). A
// smaller or equal quantity at the same price keeps time priority; any
// other change moves the order to the back of its new level, and an order
// that now crosses trades at once as the aggressor. The order keeps its
// side, trader and expiry.
func (b *Book) replace(o *record.Order, h Handler) {
	if b.policy == Exact {
		b.reject(o, h, record.ReasonUnsupported, msgUnsupportedReplace())
		return
	}
	ni, ok := b.index.get(o.ID)
	if !ok {
		b.reject(o, h, record.ReasonUnknownOrder, msgUnknown(o.ID, b.inst.Symbol))
		return
	}
	n := &b.nodes[ni]
	ticks, lots := n.ticks, n.lots
	if o.Price != 0 {
		if ticks = o.Ticks; ticks <= 0 {
			b.reject(o, h, record.ReasonNonPositive, msgTicks(ticks))
			return
		}
	}
	if o.Quantity != 0 {
		if lots = o.Lots; lots <= 0 {
			b.reject(o, h, record.ReasonNonPositive, msgLots(lots))
			return
		}
	}
	if ticks == n.ticks && lots <= n.lots {
		b.levels[n.level].lots -= n.lots - lots
		n.lots = lots
		b.emitState(h, record.Replaced, n)
		return
	}
	b.unlink(ni)
	n = &b.nodes[ni]
	n.ticks, n.lots = ticks, lots
	b.emitState(h, record.Replaced, n)
	b.match(ni, h)
	if b.nodes[ni].lots == 0 {
		b.retire(ni)
		return
	}
	b.link(ni)
}
