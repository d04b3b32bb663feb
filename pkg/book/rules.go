package book

import (
	"fmt"

	"github.com/bourse/bourse/pkg/record"
)

// MassCancel is the action of a CANCEL_ALL instruction (the kill switch):
// every resting order and pending stop of Order.TraderID, on Order.Side
// only when it is Buy or Sell (0: both sides), leaves the book with a
// CANCELLED report each (ReasonMassCancel). It is the wire's "action":
// "CANCEL_ALL" (record.CancelAll).
const MassCancel = record.CancelAll

// Triggered is the event type of a stop order entering the book when the
// last trade price reaches its trigger: Ticks and Lots are its limit price
// (0 for STOP) and open quantity. It is the wire's TRIGGERED
// (record.Triggered).
const Triggered = record.Triggered

// STPMode is a self-trade prevention mode: what happens when an order
// would trade with a resting order of the same non-empty trader id.
type STPMode uint8

// Self-trade prevention modes.
const (
	// STPOff lets an order trade with its own trader's orders (the
	// default). On Order.STP it means "the book's mode".
	STPOff STPMode = iota
	// STPCancelNewest cancels the rest of the incoming order.
	STPCancelNewest
	// STPCancelOldest cancels the resting order and goes on matching.
	STPCancelOldest
	// STPCancelBoth cancels the resting order, then the rest of the
	// incoming one.
	STPCancelBoth
)

var stpNames = [...]string{"off", "cancel-newest", "cancel-oldest", "cancel-both"}

// String returns "off", "cancel-newest", "cancel-oldest" or "cancel-both".
func (m STPMode) String() string {
	if int(m) < len(stpNames) {
		return stpNames[m]
	}
	return fmt.Sprintf("stp(%d)", uint8(m))
}

// ParseSTP parses the names String returns ("" is off).
func ParseSTP(s string) (STPMode, error) {
	if s == "" {
		return STPOff, nil
	}
	for i, n := range stpNames {
		if s == n {
			return STPMode(i), nil
		}
	}
	return 0, fmt.Errorf("book: unknown self-trade prevention mode %q: expected off, cancel-newest, cancel-oldest or cancel-both", s)
}

// Rules are a book's opt-in exchange rules. The zero value turns every
// rule off: the book then behaves exactly as it did without them.
type Rules struct {
	// STP is the self-trade prevention mode of orders that do not set
	// their own (Order.STP).
	STP STPMode
	// BandRef and BandBP set a static price band: a limit price (of a NEW,
	// a STOP_LIMIT or a REPLACE) further than BandBP basis points from the
	// reference price BandRef (ticks) is REJECTED (ReasonPriceBand). The
	// band is [ceil(ref×(1-bp/10⁴)), floor(ref×(1+bp/10⁴))]. BandBP 0 is
	// no band.
	BandRef int64
	BandBP  int64
}

// SetRules sets the book's rules. They apply to PriceTime books only, and
// a band needs a positive reference price and a width below 100%.
func (b *Book) SetRules(r Rules) error {
	switch {
	case r.STP > STPCancelBoth:
		return fmt.Errorf("book: expected a self-trade prevention mode 0-3, received %d", r.STP)
	case r.BandBP < 0 || r.BandBP >= 10_000 || (r.BandBP != 0 && r.BandRef <= 0):
		return fmt.Errorf("book: expected a price band of 1-9999 basis points around a positive reference price, received %d bp around %d ticks", r.BandBP, r.BandRef)
	case b.policy == Exact && r != Rules{}:
		return fmt.Errorf("book: expected no rules under the exact policy, received %+v", r)
	}
	b.rules = r
	b.bandLo, b.bandHi = 0, 0
	if r.BandBP != 0 {
		b.bandLo = (r.BandRef*(10_000-r.BandBP) + 9_999) / 10_000
		b.bandHi = r.BandRef * (10_000 + r.BandBP) / 10_000
	}
	return nil
}

// Rules returns the book's rules.
func (b *Book) Rules() Rules { return b.rules }

// inBand reports whether a limit price lies inside the price band.
func (b *Book) inBand(ticks int64) bool {
	return b.rules.BandBP == 0 || (ticks >= b.bandLo && ticks <= b.bandHi)
}

// Node flags: the low two bits are the order's own STPMode.
const (
	flagSTP      uint8 = 3
	flagPostOnly uint8 = 4
	flagStop     uint8 = 8  // a pending stop: indexed, not in any level
	flagDay      uint8 = 16 // time in force DAY (phase.go), kept in snapshots
)

// stpFor returns the self-trade prevention mode that applies to aggressor
// a: its own, else the book's; off for an order without a trader id.
func (b *Book) stpFor(a *node) STPMode {
	if a.trader == "" {
		return STPOff
	}
	if m := STPMode(a.flags & flagSTP); m != STPOff {
		return m
	}
	return b.rules.STP
}

// emitCancel reports that node n's open quantity leaves the book
// (CANCELLED) for a rule, with the reason.
func (b *Book) emitCancel(h Listener, n *node, why Reason) {
	b.setEvent(record.Cancelled, n, n.ticks, b.open(n), 0, 0)
	b.ev.Reason = why
	h.OnEvent(&b.ev)
}

// massCancel cancels every resting order and pending stop of o.TraderID
// (on o.Side when it is Buy or Sell) in priority order: bids best level
// first, oldest first, then asks, then pending stops in acceptance order.
func (b *Book) massCancel(o *Order, h Listener) {
	switch {
	case o.TraderID == "":
		b.reject(o, h, ReasonNoTrader)
		return
	case o.Side > record.Sell:
		b.reject(o, h, ReasonBadSide)
		return
	}
	for ni, n := range b.everyOrder(o.Side) {
		if n.trader == o.TraderID {
			b.emitCancel(h, n, ReasonMassCancel)
			b.remove(ni)
		}
	}
}
