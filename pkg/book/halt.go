package book

// Volatility halts (Session.HaltBP, HaltFor). The halt reference is the
// price of the last call auction that traded, Session.Ref before the
// first (0: no halts until an auction prints). In CONTINUOUS, an aggressor
// (a NEW, a crossing REPLACE, a triggered stop) about to trade at a level
// whose price is more than HaltBP basis points from the reference does
// not: its sweep stops before that level, the phase becomes HALTED
// (reported at the clock), and the aggressor's remainder is handled as
// when it no longer crosses (a LIMIT GTC or DAY rests, so the book may be
// crossed; anything else is CANCELLED). A FOK counts no lots at or beyond
// such a level, so it is KILLED rather than halting. HALTED takes orders
// as PRE_OPEN does and ends HaltFor ms later with a call auction, whose
// price is the new reference, and CONTINUOUS, where the stops triggered
// before it (or by the auction) enter; a halt still on at the close ends
// there with its auction instead, and the book closes. DAY orders stay
// across a halt. Auction prices never halt.
//
// The halt window (Session.HaltWindow W ms; 0: none, the reference
// changes only at auctions). The window starts at the last call auction
// that traded, or at the last re-base; before either, at time 0 (Unix
// epoch), or at the clock where SetSession turned the window on. Each time
// event time (the instrument clock, or the time of a boundary or a halt's
// end being run) reaches start+W, before anything else happens at that
// time, the start moves on by the whole windows elapsed (to the last
// start+k·W at or before it) and the reference is re-based to the last
// trade price (kept while the book has never traded). The instruction at
// that time and its trades belong to the new window. So the reference of
// a window is the last price before it began, and a halt needs a move of
// more than HaltBP within one window: a move spread over two does not
// halt. The windows tumble, in any phase, rather than slide: a sliding
// window would need the history of prices in it (memory per trade, a
// minimum and maximum kept up to date), while a tumbling re-base is two
// numbers of state (start, reference) that a snapshot carries, one
// comparison per instruction, and a function of the event times alone.

// breaches reports whether a trade at ticks would move the price more
// than HaltBP from the reference.
func (b *Book) breaches(ticks int64) bool {
	r := b.ss.href
	return r != 0 && abs(ticks-r)*10_000 > r*b.ss.sess.HaltBP
}

// halt starts a volatility halt at the clock.
func (b *Book) halt(h Listener) {
	b.ss.haltEnd = b.clock + b.ss.sess.HaltFor
	b.ss.at = min(b.ss.sched, b.ss.haltEnd)
	b.enter(h, Halted, b.clock)
}

// rebase re-bases the halt reference if the halt window has elapsed by
// event time t.
func (b *Book) rebase(t int64) {
	ss := &b.ss
	if w := ss.sess.HaltWindow; w != 0 && t-ss.hbase >= w {
		ss.hbase += (t - ss.hbase) / w * w
		if ss.last != 0 {
			ss.href = ss.last
		}
	}
}
