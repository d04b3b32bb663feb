package book

import "github.com/bourse/bourse/pkg/record"

// cancel removes the resting order o.ID with a CANCELLED event.
func (b *Book) cancel(o *record.Order, h Handler) {
	ni, ok := b.index.get(o.ID)
	if !ok {
		b.reject(o, h, record.ReasonUnknownOrder, msgUnknown(o.ID, b.inst.Symbol))
		return
	}
	if !b.owns(ni, o, h) {
		return
	}
	b.emitDone(h, &b.nodes[ni], record.Cancelled)
	b.remove(ni)
}

// owns reports whether o may amend resting node ni: the node has no trader,
// or o comes from the same trader. Otherwise it rejects o (NOT_OWNER).
func (b *Book) owns(ni int32, o *record.Order, h Handler) bool {
	if t := b.nodes[ni].trader; t == "" || t == o.TraderID {
		return true
	}
	b.reject(o, h, record.ReasonNotOwner, msgNotOwner(o))
	return false
}

// CancelAll takes every resting order out of the book with a CANCELLED
// report carrying reason and msg, in priority order (bids, then asks, best
// level first, oldest first within a level). The clock and the trade
// sequence stay as they are.
func (b *Book) CancelAll(reason, msg string, h Handler) {
	if h == nil {
		h = discard{}
	}
	for s := range b.sides {
		l := &b.sides[s]
		for len(l.lvls) > 0 {
			li := l.lvls[len(l.lvls)-1]
			ni := b.levels[li].head
			n := &b.nodes[ni]
			b.setEvent(record.Cancelled, n, n.ticks, n.lots, 0, 0)
			b.ev.Reason, b.ev.Message = reason, msg
			h.Event(&b.ev)
			b.remove(ni)
		}
	}
}

// Reinstrument gives an empty book a new instrument definition (for a
// tick or lot size change), keeping its clock and trade sequence so that
// trade ids never repeat. It reports false, changing nothing, when orders
// are resting or the symbol differs.
func (b *Book) Reinstrument(inst record.Instrument) bool {
	if b.index.n != 0 || inst.Symbol != b.inst.Symbol {
		return false
	}
	b.inst = inst
	return true
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
	if !b.owns(ni, o, h) {
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
		b.touch(sideIdx(n.side), n.level)
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
