package book

import (
	"fmt"
	"math"

	"github.com/bourse/bourse/pkg/record"
)

// Phase is a book's trading phase. The zero value, Continuous, is the
// phase of a book without a session, for ever.
type Phase uint8

// Trading phases.
const (
	// Continuous: orders match as they arrive.
	Continuous Phase = iota
	// PreOpen: NEW LIMIT GTC/DAY orders (icebergs and stops too), CANCEL,
	// REPLACE and CANCEL_ALL are accepted; nothing matches, so the book may
	// be crossed. It ends with the call auction.
	PreOpen
	// Buffer: between the call auction and the continuous open; NEW and
	// REPLACE are REJECTED (ReasonClosed), CANCEL and CANCEL_ALL work.
	Buffer
	// Closed: as Buffer; entering it expires the DAY orders.
	Closed
	// Halted: a volatility halt (halt.go); as PreOpen, ended by a call
	// auction.
	Halted
)

var phaseNames = [...]string{"CONTINUOUS", "PRE_OPEN", "BUFFER", "CLOSED", "HALTED"}

// String returns the phase's wire name: CONTINUOUS, PRE_OPEN, BUFFER,
// CLOSED or HALTED.
func (p Phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return fmt.Sprintf("phase(%d)", uint8(p))
}

// DAY is the time in force of an order that rests like a GTC until its
// book's phase becomes Closed, when it is EXPIRED (record.DAY on the
// wire). On a book without a session it never expires.
const DAY = record.DAY

// Day is the length of a session's day in ms.
const Day int64 = 86_400_000

// Session is a book's daily schedule, in ms after midnight of the
// instrument's time zone, which is Offset ms east of UTC (IST: 19_800_000).
// A day runs Closed until PreOpen, PreOpen until Auction, where the call
// auction uncrosses the book, Buffer until Open (none when Auction ==
// Open), Continuous until Close, then Closed (the package doc has an
// NSE-like day). Ref is the reference price in ticks of the auctions
// before the book's first trade (0: none); after it, the last trade price
// is.
//
// HaltBP and HaltFor set volatility halts, HaltWindow (ms, 0: none; only
// with halts) the window their reference is re-based in (halt.go; HaltBP
// 0: none).
type Session struct {
	Offset                        int64
	PreOpen, Auction, Open, Close int64
	Ref                           int64
	HaltBP, HaltFor               int64
	HaltWindow                    int64
}

// StatusListener is a Listener that is also told of phase changes. A
// Listener that does not implement it does not see them; Submit's records
// carry them as record.Status.
type StatusListener interface {
	Listener
	OnStatus(*Status)
}

// Status reports a phase change: the book entered Phase at the scheduled
// time At (Unix ms), during the instruction with Tag.
type Status struct {
	Tag   uint64
	At    int64
	Phase Phase
}

// The session state of a Book: the phase, and the next boundary of the
// schedule, sched (Unix ms) and which (0 PreOpen, 1 Auction, 2 Open, 3
// Close); at is the earlier of sched and a halt's end. at is MaxInt64
// without a session, so that apply's check is one comparison; MinInt64
// until the first clock of a new session.
type sessionState struct {
	sess    Session
	on      bool
	phase   Phase
	at      int64
	sched   int64
	which   int
	haltEnd int64 // the end of the current halt; 0: none
	href    int64 // the halt reference price, 0: none yet
	hbase   int64 // the start of the halt window (halt.go); 0 without one
	last    int64 // the last trade price in ticks, 0 before the first trade
	hasDays bool  // a DAY order was accepted since the last close
	sts     Status
}

// SetSession gives the book a daily schedule (the zero Session: none, the
// book is Continuous). The phase is the schedule's at the clock, with no
// report; a book whose clock is 0 takes it from its first instruction.
// The halt reference is a price the book keeps: only one that is still
// the previous session's Ref (or none) becomes s.Ref, and none is kept
// without a session (snapshots of such a book hold none). The halt
// window's start is kept too when both sessions have one, and is the
// clock when only s has. It refuses a schedule out of order, a book under the exact
// policy, and a crossed book (call it outside PRE_OPEN).
func (b *Book) SetSession(s Session) error {
	switch {
	case s == Session{}:
	case s.Offset <= -Day || s.Offset >= Day || s.PreOpen < 0 || s.PreOpen >= s.Auction || s.Auction > s.Open || s.Open >= s.Close || s.Close > Day:
		return fmt.Errorf("book: expected a session 0 <= pre-open < auction <= open < close <= %d ms, received %+v", Day, s)
	case s.HaltBP < 0 || s.HaltBP >= 10_000 || (s.HaltBP != 0 && s.HaltFor <= 0):
		return fmt.Errorf("book: expected a halt of 1-9999 basis points for a positive time (or none), received %+v", s)
	case s.HaltWindow < 0 || (s.HaltWindow != 0 && s.HaltBP == 0):
		return fmt.Errorf("book: expected a positive halt window with halts (or none), received %+v", s)
	case b.policy == Exact:
		return fmt.Errorf("book: expected no session under the exact policy, received %+v", s)
	}
	if b.crossed() {
		return fmt.Errorf("book: expected an uncrossed book to set a session on")
	}
	old := b.ss.sess
	b.ss.sess = s
	b.ss.on = s != Session{}
	b.ss.phase, b.ss.at, b.ss.haltEnd = Continuous, math.MaxInt64, 0
	if !b.ss.on || b.ss.href == 0 || b.ss.href == old.Ref {
		b.ss.href = s.Ref
	}
	switch {
	case s.HaltWindow == 0:
		b.ss.hbase = 0
	case old.HaltWindow == 0:
		b.ss.hbase = b.clock
	}
	if b.ss.on {
		b.ss.at = math.MinInt64
		if b.clock != 0 {
			b.placeSession()
		}
	}
	return nil
}

// Session returns the book's schedule.
func (b *Book) Session() Session { return b.ss.sess }

// Phase returns the book's trading phase at its clock.
func (b *Book) Phase() Phase { return b.ss.phase }

// crossed reports whether the best bid meets the best ask.
func (b *Book) crossed() bool {
	bid, ask := b.sides[0].best(), b.sides[1].best()
	return bid != nilIdx && ask != nilIdx && b.levels[bid].ticks >= b.levels[ask].ticks
}

// bound is the time of day of boundary w.
func (s *Session) bound(w int) int64 {
	switch w {
	case 0:
		return s.PreOpen
	case 1:
		return s.Auction
	case 2:
		return s.Open
	}
	return s.Close
}

// placeSession sets the phase and the next boundary from the clock,
// without reports.
func (b *Book) placeSession() {
	s := &b.ss.sess
	local := b.clock + s.Offset
	d := local / Day
	if local%Day < 0 {
		d--
	}
	tod := local - d*Day
	b.ss.phase, b.ss.which = Closed, 0
	switch {
	case tod < s.PreOpen:
	case tod < s.Auction:
		b.ss.phase, b.ss.which = PreOpen, 1
	case tod < s.Open:
		b.ss.phase, b.ss.which = Buffer, 2
	case tod < s.Close:
		b.ss.phase, b.ss.which = Continuous, 3
	default:
		d++
	}
	b.ss.sched = d*Day - s.Offset + s.bound(b.ss.which)
	b.ss.at = b.ss.sched
}

// advance runs every boundary of the schedule up to the clock, in order,
// expiring the orders whose expiry comes before each. A jump over whole
// days skips them from the Closed phase: their phase changes are not
// reported (nothing could have happened in them). At the session's first
// clock it places the book in the schedule's phase and reports that phase
// at the clock, so that a trader's screen knows it before the first
// change.
func (b *Book) advance(h Listener) {
	if b.ss.at == math.MinInt64 {
		b.placeSession()
		b.enter(h, b.ss.phase, b.clock)
		return
	}
	s := &b.ss.sess
	for b.ss.at <= b.clock {
		at := b.ss.at
		b.rebase(at)
		if len(b.heap) != 0 {
			b.expireBefore(h, at)
		}
		if b.ss.haltEnd != 0 {
			b.ss.haltEnd = 0
			b.uncross(h, at)
			if at < b.ss.sched { // the halt's end
				b.ss.at = b.ss.sched
				b.enter(h, Continuous, at) // its stops may halt again
				continue
			}
		}
		w := b.ss.which
		switch w {
		case 0:
			b.enter(h, PreOpen, at)
		case 1:
			b.uncross(h, at)
			if s.Auction == s.Open {
				b.enter(h, Continuous, at)
			} else {
				b.enter(h, Buffer, at)
			}
		case 2:
			b.enter(h, Continuous, at)
		case 3:
			b.enter(h, Closed, at)
			b.expireDays(h)
		}
		midnight := at - s.bound(w)
		nw := w + 1
		switch {
		case w == 1 && s.Auction == s.Open:
			nw = 3
		case w == 3:
			nw, midnight = 0, midnight+Day
		}
		b.ss.which, b.ss.sched = nw, midnight+s.bound(nw)
		if nw == 0 && b.ss.sched <= b.clock-Day {
			b.ss.sched += (b.clock - b.ss.sched) / Day * Day
		}
		b.ss.at = b.ss.sched
		if b.ss.haltEnd != 0 { // a stop entering at the open halted
			b.ss.at = min(b.ss.sched, b.ss.haltEnd)
		}
	}
}

// enter makes p the phase and reports it to a StatusListener. Leaving
// Continuous marks the stops triggered so far (stops accepted later do not
// see those trades); entering it lets the marked stops in.
func (b *Book) enter(h Listener, p Phase, at int64) {
	if b.trHi != 0 {
		b.markStops()
	}
	b.ss.phase = p
	if sl, ok := h.(StatusListener); ok {
		st := &b.ss.sts
		st.Tag, st.At, st.Phase = b.tag, at, p
		sl.OnStatus(st)
	}
	if p == Continuous && len(b.stops) != 0 {
		b.runStops(h)
	}
}

// phaseReject returns why a NEW is refused in the current phase: nothing
// is taken while Buffer or Closed; in PreOpen only orders that can wait
// for the auction (LIMIT GTC or DAY, not POST_ONLY; stops of any kind)
// are.
func (b *Book) phaseReject(o *Order) Reason {
	switch b.ss.phase {
	case Buffer, Closed:
		return ReasonClosed
	case PreOpen, Halted:
		if o.Stop == 0 && (o.Type != record.Limit || (o.TIF != record.GTC && o.TIF != DAY) || o.PostOnly) {
			return ReasonPreOpen
		}
	}
	return ReasonNone
}

// expireDays expires every DAY order, resting or pending, in the order
// CANCEL_ALL cancels (bids best level first and oldest first, asks, then
// stops in acceptance order).
func (b *Book) expireDays(h Listener) {
	if !b.ss.hasDays {
		return
	}
	b.ss.hasDays = false
	for ni, n := range b.everyOrder(0) {
		if n.tif == DAY {
			b.emitDone(h, n, record.Expired)
			b.remove(ni)
		}
	}
}
