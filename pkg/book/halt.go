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
