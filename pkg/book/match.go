package book

import "github.com/bourse/bourse/pkg/record"

// submitNew checks, accepts, matches and (for a LIMIT GTC remainder) rests
// an incoming NEW order.
func (b *Book) submitNew(o *Order, h Listener) {
	switch {
	case o.Side != record.Buy && o.Side != record.Sell:
		b.reject(o, h, ReasonBadSide)
		return
	case o.Type > record.Market || o.TIF > DAY:
		b.reject(o, h, ReasonBadKind)
		return
	case b.policy == Exact && (o.Type != record.Limit || o.TIF != record.GTC):
		b.reject(o, h, ReasonUnsupported)
		return
	case o.Lots <= 0:
		b.reject(o, h, ReasonBadLots)
		return
	case o.Type == record.Limit && o.Ticks <= 0:
		b.reject(o, h, ReasonBadTicks)
		return
	}
	if _, dup := b.index.get(o.ID); dup {
		b.reject(o, h, ReasonDuplicateID)
		return
	}
	if o.ExpiresAt != 0 && o.ExpiresAt < b.clock {
		b.reject(o, h, ReasonExpired)
		return
	}
	if o.Stop != 0 || o.Display != 0 || o.STP != 0 || o.PostOnly || b.rules != (Rules{}) {
		if why := b.checkRules(o); why != ReasonNone {
			b.reject(o, h, why)
			return
		}
	}
	if b.ss.phase != Continuous {
		if why := b.phaseReject(o); why != ReasonNone {
			b.reject(o, h, why)
			return
		}
	}

	ni := b.allocNode()
	n := &b.nodes[ni]
	n.id, n.lots, n.filled, n.expires, n.trader = o.ID, o.Lots, 0, o.ExpiresAt, o.TraderID
	n.prev, n.next, n.level, n.hpos = nilIdx, nilIdx, nilIdx, nilIdx
	n.side, n.typ, n.tif = o.Side, o.Type, o.TIF
	n.ticks = 0
	if o.Type == record.Limit {
		n.ticks = o.Ticks
	}
	n.flags = uint8(o.STP)
	if o.PostOnly {
		n.flags |= flagPostOnly
	}
	if o.TIF == DAY {
		n.flags |= flagDay
		b.ss.hasDays = true
	}
	if o.Display != 0 {
		b.newIce(n, o.Display)
	}
	b.emitState(h, record.Accepted, n)

	if b.policy == Exact {
		b.matchExact(ni, h)
		if b.nodes[ni].lots == 0 {
			b.releaseNode(ni)
		} else {
			b.rest(ni)
		}
		return
	}
	if o.Stop != 0 {
		b.addStop(ni, o.Stop)
		return
	}
	if b.ss.phase != Continuous { // PRE_OPEN: no matching
		b.rest(ni)
		return
	}
	b.execute(ni, h)
}

// checkRules checks a NEW against the opt-in rules: the fields of its
// order kind (ICEBERG and POST_ONLY are LIMIT GTC, neither is a stop; a
// STP override is a mode), the price band, and that a POST_ONLY would not
// trade on arrival.
func (b *Book) checkRules(o *Order) Reason {
	switch {
	case b.policy == Exact:
		return ReasonUnsupported
	case o.STP > STPCancelBoth:
		return ReasonBadKind
	case o.Stop < 0:
		return ReasonBadTicks
	case o.Display < 0:
		return ReasonBadLots
	case (o.Display != 0 || o.PostOnly) && (o.Type != record.Limit || (o.TIF != record.GTC && o.TIF != DAY) || o.Stop != 0):
		return ReasonBadKind
	case o.Type == record.Limit && !b.inBand(o.Ticks):
		return ReasonPriceBand
	case o.PostOnly && b.wouldTrade(o.Side, o.Ticks):
		return ReasonWouldTrade
	}
	return ReasonNone
}

// wouldTrade reports whether a LIMIT order on side at ticks crosses the
// best opposite level.
func (b *Book) wouldTrade(side record.Side, ticks int64) bool {
	li := b.sides[sideIdx(side.Opposite())].best()
	return li != nilIdx && crosses(side, ticks, b.levels[li].ticks)
}

// execute runs an accepted order that is in no level and no index (a NEW,
// or a stop just triggered) under price-time priority: FOK check, matching,
// then resting a LIMIT GTC remainder or cancelling any other.
func (b *Book) execute(ni int32, h Listener) {
	n := &b.nodes[ni]
	if n.tif == record.FOK && !b.canFill(n) {
		b.emitDone(h, n, record.Killed)
		b.releaseNode(ni)
		return
	}
	b.match(ni, h)
	n = &b.nodes[ni]
	switch {
	case n.lots == 0:
		b.releaseNode(ni)
	case n.typ == record.Market || (n.tif != record.GTC && n.tif != DAY):
		b.emitDone(h, n, record.Cancelled)
		b.releaseNode(ni)
	default:
		b.rest(ni)
	}
}

// crosses reports whether an order on side with limit ticks (0 = MARKET)
// may trade at the resting price p.
func crosses(side record.Side, limit, p int64) bool {
	if limit == 0 {
		return true
	}
	if side == record.Buy {
		return p <= limit
	}
	return p >= limit
}

// canFill reports whether matching would fill the open lots of n at
// prices n accepts. Without self-trade prevention it walks levels (shown
// and hidden lots), never orders. With it, levels are walked order by
// order: under cancel-oldest the trader's own orders do not count (they
// would be cancelled); otherwise matching stops at the first of them, so
// in its level only the shown lots of the orders ahead of it count (an
// iceberg that refills goes behind it).
func (b *Book) canFill(n *node) bool {
	opp := &b.sides[sideIdx(n.side.Opposite())]
	stp := b.stpFor(n)
	need := n.lots
	for i := len(opp.lvls) - 1; i >= 0; i-- {
		lv := &b.levels[opp.lvls[i]]
		if !crosses(n.side, n.ticks, lv.ticks) {
			return false
		}
		if b.ss.sess.HaltBP != 0 && b.breaches(lv.ticks) {
			return false
		}
		if stp == STPOff {
			need -= lv.lots + lv.hidden
		} else {
			var shown, other int64
			for ri := lv.head; ri != nilIdx; ri = b.nodes[ri].next {
				r := &b.nodes[ri]
				if r.trader != n.trader {
					shown += r.lots
					other += b.open(r)
				} else if stp != STPCancelOldest {
					return need <= shown
				}
			}
			need -= other
		}
		if need <= 0 {
			return true
		}
	}
	return false
}

// match trades the aggressor node ai (not linked in any level) against the
// opposite side under price-time priority until it is filled or no longer
// crosses.
//
// With self-trade prevention on for the aggressor, a resting order of the
// same trader is never traded with: the mode cancels the aggressor's rest
// (cancel-newest), the resting order (cancel-oldest, then matching goes
// on), or both, resting first (cancel-both), each with a CANCELLED report
// (ReasonSelfTrade). A resting iceberg whose shown part fills shows its
// next part at the back of the level (iceberg.go).
func (b *Book) match(ai int32, h Listener) {
	a := &b.nodes[ai]
	stp := b.stpFor(a)
	s := sideIdx(a.side.Opposite())
	opp := &b.sides[s]
	for a.lots > 0 && len(opp.lvls) > 0 {
		li := opp.lvls[len(opp.lvls)-1]
		lv := &b.levels[li]
		if !crosses(a.side, a.ticks, lv.ticks) {
			return
		}
		if b.ss.sess.HaltBP != 0 && b.breaches(lv.ticks) {
			b.halt(h)
			return
		}
		for a.lots > 0 && lv.head != nilIdx {
			ri := lv.head
			r := &b.nodes[ri]
			if stp != STPOff && r.trader == a.trader {
				if stp != STPCancelNewest {
					b.emitCancel(h, r, ReasonSelfTrade)
					b.touch(s, li)
					lv.lots -= r.lots
					lv.hidden -= b.hiddenOf(r)
					b.popHead(lv, r)
					b.retire(ri)
				}
				if stp != STPCancelOldest {
					b.emitCancel(h, a, ReasonSelfTrade)
					a.lots = 0
				}
				continue
			}
			q := min(a.lots, r.lots)
			a.lots -= q
			a.filled += q
			r.lots -= q
			r.filled += q
			b.touch(s, li)
			lv.lots -= q
			b.trade(h, a, r, lv.ticks, q)
			if r.lots == 0 && (r.ice == 0 || !b.refill(ri, li)) {
				b.popHead(lv, r)
				b.retire(ri)
			}
		}
		if lv.orders == 0 {
			opp.removeAt(len(opp.lvls) - 1)
			b.releaseLevel(li)
		}
	}
}

// popHead unlinks node r, the head of level lv, whose totals the caller
// has already updated for it.
func (b *Book) popHead(lv *level, r *node) {
	lv.head = r.next
	if r.next != nilIdx {
		b.nodes[r.next].prev = nilIdx
	} else {
		lv.tail = nilIdx
	}
	lv.orders--
}

// matchExact applies the exact policy to the incoming LIMIT GTC node ai: it
// trades fully with the oldest resting opposite order of equal price and
// equal open quantity, if there is one.
func (b *Book) matchExact(ai int32, h Listener) {
	a := &b.nodes[ai]
	opp := &b.sides[sideIdx(a.side.Opposite())]
	pos, ok := opp.find(opp.key(a.ticks))
	if !ok {
		return
	}
	li := opp.lvls[pos]
	lv := &b.levels[li]
	for ri := lv.head; ri != nilIdx; ri = b.nodes[ri].next {
		r := &b.nodes[ri]
		if r.lots != a.lots {
			continue
		}
		q := a.lots
		a.lots, a.filled = 0, a.filled+q
		r.lots, r.filled = 0, r.filled+q
		b.touch(sideIdx(r.side), li)
		lv.lots -= q
		b.trade(h, a, r, a.ticks, q)
		b.remove(ri)
		return
	}
}
