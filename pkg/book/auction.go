package book

// The call auction. At the end of PRE_OPEN a crossed book uncrosses at one
// price P, chosen among the limit prices of the crossed levels: the
// executable volume min(B(p), S(p)) — B(p) the open lots (icebergs'
// reserves included) bid at p or more, S(p) offered at p or less — is
// maximal; among those, the imbalance |B(p) - S(p)| is minimal; among
// those, P is closest to the reference price (the last trade price, or
// Session.Ref before the first trade), the lower of two equally close
// prices, and the lowest with no reference. Then the best bid and the best
// ask trade, oldest first within a level, at P, for the smaller open
// quantity, until either has a limit beyond P: both sides fill in
// price-time priority, an iceberg's refill going to the back of its level
// as in continuous trading. The trades (Aggressor 0: neither side) are
// reported as the Trade, the buyer's fill, the seller's fill. The book is
// uncrossed afterwards. Self-trade prevention does not apply to the
// auction. Stops its trades trigger enter when the phase becomes
// CONTINUOUS. A book that is not crossed has no auction trades.

// auctionPrice returns the uncrossing price of a crossed book.
func (b *Book) auctionPrice() int64 {
	bids, asks := &b.sides[0], &b.sides[1]
	bestBid, bestAsk := b.levels[bids.best()].ticks, b.levels[asks.best()].ticks
	ref := b.ss.last
	if ref == 0 {
		ref = b.ss.sess.Ref
	}
	// Bids at bestAsk or more, ascending from index j; asks at bestBid or
	// less, ascending from the best (the last) down to index askLo.
	j := len(bids.lvls)
	var bTotal int64
	for j > 0 {
		lv := &b.levels[bids.lvls[j-1]]
		if lv.ticks < bestAsk {
			break
		}
		bTotal += lv.lots + lv.hidden
		j--
	}
	i := len(asks.lvls) - 1
	var sCum, bBelow int64
	var best, bestVol, bestImb, bestDist int64 = 0, -1, 0, 0
	for {
		p := int64(-1)
		if i >= 0 && b.levels[asks.lvls[i]].ticks <= bestBid {
			p = b.levels[asks.lvls[i]].ticks
		}
		if j < len(bids.lvls) && (p < 0 || b.levels[bids.lvls[j]].ticks < p) {
			p = b.levels[bids.lvls[j]].ticks
		}
		if p < 0 {
			return best
		}
		for i >= 0 {
			lv := &b.levels[asks.lvls[i]]
			if lv.ticks > p {
				break
			}
			sCum += lv.lots + lv.hidden
			i--
		}
		buy := bTotal - bBelow
		vol, imb := min(buy, sCum), abs(buy-sCum)
		dist := int64(0)
		if ref != 0 {
			dist = abs(p - ref)
		}
		if vol > bestVol || (vol == bestVol && (imb < bestImb || (imb == bestImb && dist < bestDist))) {
			best, bestVol, bestImb, bestDist = p, vol, imb, dist
		}
		for j < len(bids.lvls) {
			lv := &b.levels[bids.lvls[j]]
			if lv.ticks > p {
				break
			}
			bBelow += lv.lots + lv.hidden
			j++
		}
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// uncross runs the call auction on the book at time at.
func (b *Book) uncross(h Listener, at int64) {
	if !b.crossed() {
		return
	}
	p := b.auctionPrice()
	b.ss.href = p
	if b.ss.sess.HaltWindow != 0 {
		b.ss.hbase = at
	}
	bids, asks := &b.sides[0], &b.sides[1]
	for len(bids.lvls) > 0 && len(asks.lvls) > 0 {
		bli, ali := bids.lvls[len(bids.lvls)-1], asks.lvls[len(asks.lvls)-1]
		blv, alv := &b.levels[bli], &b.levels[ali]
		if blv.ticks < p || alv.ticks > p {
			return
		}
		bi, ai := blv.head, alv.head
		bn, an := &b.nodes[bi], &b.nodes[ai]
		q := min(bn.lots, an.lots)
		bn.lots -= q
		bn.filled += q
		an.lots -= q
		an.filled += q
		b.touch(0, bli)
		b.touch(1, ali)
		blv.lots -= q
		alv.lots -= q
		b.auctionTrade(h, bn, an, p, q)
		b.settle(0, bli, bi)
		b.settle(1, ali, ai)
	}
}

// settle refills or removes node ni at the head of the best level li of
// side s after a fill, and drops the level if it emptied.
func (b *Book) settle(s int, li, ni int32) {
	n := &b.nodes[ni]
	if n.lots == 0 && (n.ice == 0 || !b.refill(ni, li)) {
		b.popHead(&b.levels[li], n)
		b.retire(ni)
	}
	if b.levels[li].orders == 0 {
		l := &b.sides[s]
		l.removeAt(len(l.lvls) - 1)
		b.releaseLevel(li)
	}
}

// auctionTrade reports one auction execution of q lots at ticks between
// the resting buy and sell (both already updated).
func (b *Book) auctionTrade(h Listener, buy, sell *node, ticks, q int64) {
	b.printTrade(h, buy, sell, 0, ticks, q)
	b.emitFill(h, buy, ticks, q)
	b.emitFill(h, sell, ticks, q)
}
