package book

import "github.com/bourse/bourse/pkg/record"

// cancel removes the resting order o.ID with a CANCELLED event.
func (b *Book) cancel(o *Order, h Listener) {
	ni, ok := b.index.get(o.ID)
	if !ok {
		b.reject(o, h, ReasonUnknownOrder)
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
func (b *Book) owns(ni int32, o *Order, h Listener) bool {
	if t := b.nodes[ni].trader; t == "" || t == o.TraderID {
		return true
	}
	b.reject(o, h, ReasonNotOwner)
	return false
}

// CancelAll takes every resting order out of the book with a CANCELLED
// report carrying reason and msg, in priority order (bids, then asks, best
// level first, oldest first within a level), then every pending stop in
// acceptance order. The clock and the trade
// sequence stay as they are.
func (b *Book) CancelAll(reason, msg string, h record.Emitter) {
	var out Listener = nop{}
	if h != nil {
		r := &b.rec
		r.h, r.reason, r.msg = h, reason, msg
		defer r.reset()
		out = r
	}
	b.tag = 0
	for s := range b.sides {
		l := &b.sides[s]
		for len(l.lvls) > 0 {
			li := l.lvls[len(l.lvls)-1]
			ni := b.levels[li].head
			b.emitDone(out, &b.nodes[ni], record.Cancelled)
			b.remove(ni)
		}
	}
	for len(b.stops) > 0 {
		ni := b.stops[0].ni
		b.emitDone(out, &b.nodes[ni], record.Cancelled)
		b.remove(ni)
	}
	b.trHi, b.trLo, b.buyMin, b.sellMax = 0, 0, 0, 0
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

// replace gives the resting order o.ID the price o.Ticks and the open
// quantity o.Lots, both explicit (Submit translates the wire's "0 keeps").
// A smaller or equal quantity at the same price keeps time priority; any
// other change moves the order to the back of its new level, and an order
// that now crosses trades at once as the aggressor. The order keeps its
// side, trader, expiry and kind (an iceberg's open quantity is its whole,
// the reserve cut first when it shrinks). A pending stop is not
// replaceable; a POST_ONLY order is not replaced to a price that trades.
func (b *Book) replace(o *Order, h Listener) {
	if b.policy == Exact {
		b.reject(o, h, ReasonUnsupported)
		return
	}
	ni, ok := b.index.get(o.ID)
	if !ok {
		b.reject(o, h, ReasonUnknownOrder)
		return
	}
	if !b.owns(ni, o, h) {
		return
	}
	n := &b.nodes[ni]
	if n.flags&flagStop != 0 {
		b.reject(o, h, ReasonStopReplace)
		return
	}
	if b.ss.phase == Buffer || b.ss.phase == Closed { // PRE_OPEN and HALTED take it
		b.reject(o, h, ReasonClosed)
		return
	}
	ticks, lots := o.Ticks, o.Lots
	if ticks <= 0 {
		b.reject(o, h, ReasonBadTicks)
		return
	}
	if lots <= 0 {
		b.reject(o, h, ReasonBadLots)
		return
	}
	if ticks != n.ticks && !b.inBand(ticks) {
		b.reject(o, h, ReasonPriceBand)
		return
	}
	if n.flags&flagPostOnly != 0 && b.wouldTrade(n.side, ticks) {
		b.reject(o, h, ReasonWouldTrade)
		return
	}
	if open := b.open(n); ticks == n.ticks && lots <= open {
		b.touch(sideIdx(n.side), n.level)
		lv := &b.levels[n.level]
		cut := open - lots
		if n.ice != 0 { // the reserve goes first
			ic := &b.ices[n.ice-1]
			hc := min(cut, ic.hidden)
			ic.hidden -= hc
			lv.hidden -= hc
			cut -= hc
		}
		lv.lots -= cut
		n.lots -= cut
		b.emitState(h, record.Replaced, n)
		return
	}
	b.unlink(ni)
	n = &b.nodes[ni]
	if n.ice != 0 {
		b.merge(n)
	}
	n.ticks, n.lots = ticks, lots
	b.emitState(h, record.Replaced, n)
	if b.ss.phase == Continuous {
		b.match(ni, h)
	}
	n = &b.nodes[ni]
	if n.lots == 0 {
		b.retire(ni)
		return
	}
	if n.ice != 0 {
		b.split(n)
	}
	b.link(ni)
}
