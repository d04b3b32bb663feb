package book

import "github.com/bourse/bourse/pkg/record"

// submitNew checks, accepts, matches and (for a LIMIT GTC remainder) rests
// an incoming NEW order.
func (b *Book) submitNew(o *Order, h Listener) {
	switch {
	case o.Side != record.Buy && o.Side != record.Sell:
		b.reject(o, h, ReasonBadSide)
		return
	case o.Type > record.Market || o.TIF > record.FOK:
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

	ni := b.allocNode()
	n := &b.nodes[ni]
	n.id, n.lots, n.filled, n.expires, n.trader = o.ID, o.Lots, 0, o.ExpiresAt, o.TraderID
	n.prev, n.next, n.level, n.hpos = nilIdx, nilIdx, nilIdx, nilIdx
	n.side, n.typ, n.tif = o.Side, o.Type, o.TIF
	n.ticks = 0
	if o.Type == record.Limit {
		n.ticks = o.Ticks
	}
	b.emitState(h, record.Accepted, n)

	if b.policy == Exact {
		b.matchExact(ni, h)
	} else {
		if o.TIF == record.FOK && !b.canFill(n) {
			b.emitDone(h, n, record.Killed)
			b.releaseNode(ni)
			return
		}
		b.match(ni, h)
	}
	n = &b.nodes[ni]
	switch {
	case n.lots == 0:
		b.releaseNode(ni)
	case n.typ == record.Market || n.tif != record.GTC:
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

// canFill reports whether the opposite side holds at least the open lots
// of n at prices n accepts. It walks levels, never orders.
func (b *Book) canFill(n *node) bool {
	opp := &b.sides[sideIdx(n.side.Opposite())]
	need := n.lots
	for i := len(opp.lvls) - 1; i >= 0; i-- {
		lv := &b.levels[opp.lvls[i]]
		if !crosses(n.side, n.ticks, lv.ticks) {
			return false
		}
		if need -= lv.lots; need <= 0 {
			return true
		}
	}
	return false
}

// match trades the aggressor node ai (not linked in any level) against the
// opposite side under price-time priority until it is filled or no longer
// crosses.
func (b *Book) match(ai int32, h Listener) {
	a := &b.nodes[ai]
	s := sideIdx(a.side.Opposite())
	opp := &b.sides[s]
	for a.lots > 0 && len(opp.lvls) > 0 {
		li := opp.lvls[len(opp.lvls)-1]
		lv := &b.levels[li]
		if !crosses(a.side, a.ticks, lv.ticks) {
			return
		}
		for a.lots > 0 && lv.head != nilIdx {
			ri := lv.head
			r := &b.nodes[ri]
			q := min(a.lots, r.lots)
			a.lots -= q
			a.filled += q
			r.lots -= q
			r.filled += q
			b.touch(s, li)
			lv.lots -= q
			b.trade(h, a, r, lv.ticks, q)
			if r.lots == 0 {
				lv.head = r.next
				if r.next != nilIdx {
					b.nodes[r.next].prev = nilIdx
				} else {
					lv.tail = nilIdx
				}
				lv.orders--
				b.retire(ri)
			}
		}
		if lv.orders == 0 {
			opp.removeAt(len(opp.lvls) - 1)
			b.releaseLevel(li)
		}
	}
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
