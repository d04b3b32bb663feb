package book

import "github.com/bourse/bourse/pkg/record"

// Listener receives the lean reports of Apply: prices in ticks, quantities
// in lots, reasons as small codes, no strings built. The pointers are only
// valid during the call (the Book reuses them), and a Listener must not
// call back into the Book that is calling it.
type Listener interface {
	OnTrade(*Trade)
	OnEvent(*Event)
}

// Event is a lean execution report: what happened to one order.
//
// Ticks and Lots are the order's limit price and open quantity for
// ACCEPTED and REPLACED (Leaves = Lots), the trade price and quantity for
// FILL and PARTIAL_FILL, the limit price and the open quantity removed for
// CANCELLED, EXPIRED and KILLED (Leaves = 0), and the instruction's own
// values for REJECTED. Filled is the order's cumulative filled quantity.
type Event struct {
	// Tag is the Tag of the Order being applied when the event happened:
	// for the resting side of a fill, or an order expired by the clock
	// advance, it is the incoming instruction's, not the order's.
	Tag      uint64
	OrderID  uint64
	TradeID  uint64 // FILL and PARTIAL_FILL; 0 otherwise
	Ticks    int64
	Lots     int64
	Leaves   int64
	Filled   int64
	TraderID string
	Type     record.EventType
	Side     record.Side
	// OrderType and TIF are the order's (the instruction's for REJECTED).
	OrderType record.OrderType
	TIF       record.TimeInForce
	// Reason is why a REJECTED was rejected, or why a rule CANCELLED an
	// order (ReasonSelfTrade, ReasonMassCancel); ReasonNone otherwise.
	Reason Reason
}

// Trade is one execution, reported before the two fills it causes (the
// aggressor's, then the resting order's), at the resting order's price.
type Trade struct {
	Tag         uint64 // the Tag of the Order being applied
	TradeID     uint64 // per-book sequence from 1
	Ticks       int64
	Lots        int64
	BuyOrderID  uint64
	SellOrderID uint64
	BuyTrader   string
	SellTrader  string
	Aggressor   record.Side
}

// Reason says why an order was REJECTED. Code gives the wire reason code;
// the codes that share a wire code (BAD_FIELD, NON_POSITIVE) say which
// field was wrong.
type Reason uint8

// Reject reasons.
const (
	ReasonNone         Reason = iota
	ReasonBadAction           // BAD_FIELD: Action is not NEW, CANCEL or REPLACE
	ReasonBadSide             // BAD_FIELD: Side is not Buy (1) or Sell (2)
	ReasonBadKind             // BAD_FIELD: Type or TIF out of range
	ReasonBadLots             // NON_POSITIVE: Lots <= 0
	ReasonBadTicks            // NON_POSITIVE: Ticks <= 0 on a LIMIT NEW or a REPLACE
	ReasonDuplicateID         // DUPLICATE_ID: a NEW whose ID is resting
	ReasonUnknownOrder        // UNKNOWN_ORDER: a CANCEL or REPLACE whose ID is not resting
	ReasonExpired             // ALREADY_EXPIRED: ExpiresAt before the clock
	ReasonUnsupported         // UNSUPPORTED: not allowed under the Exact policy
	ReasonNotOwner            // NOT_OWNER: TraderID differs from the resting order's
	// The opt-in rules' reasons (rules.go, phase.go); Code returns their
	// wire codes (record.Reason*).
	ReasonSelfTrade   // SELF_TRADE: CANCELLED by self-trade prevention
	ReasonWouldTrade  // WOULD_TRADE: a POST_ONLY NEW or REPLACE would trade on arrival
	ReasonMassCancel  // MASS_CANCEL: CANCELLED by a CANCEL_ALL of its trader
	ReasonPriceBand   // PRICE_BAND: limit price outside the book's price band
	ReasonNoTrader    // BAD_TRADER_ID: a CANCEL_ALL without a trader id
	ReasonStopReplace // UNSUPPORTED: a REPLACE of a pending stop (cancel and enter anew)
	ReasonClosed      // CLOSED: a NEW or REPLACE while the phase is BUFFER or CLOSED
	ReasonPreOpen     // PRE_OPEN: a NEW that cannot wait for the auction (MARKET, IOC, FOK, POST_ONLY)
)

var reasonCodes = [...]string{
	ReasonNone:         "",
	ReasonBadAction:    record.ReasonBadField,
	ReasonBadSide:      record.ReasonBadField,
	ReasonBadKind:      record.ReasonBadField,
	ReasonBadLots:      record.ReasonNonPositive,
	ReasonBadTicks:     record.ReasonNonPositive,
	ReasonDuplicateID:  record.ReasonDuplicateID,
	ReasonUnknownOrder: record.ReasonUnknownOrder,
	ReasonExpired:      record.ReasonExpired,
	ReasonUnsupported:  record.ReasonUnsupported,
	ReasonNotOwner:     record.ReasonNotOwner,
	ReasonSelfTrade:    record.ReasonSelfTrade,
	ReasonWouldTrade:   record.ReasonWouldTrade,
	ReasonMassCancel:   record.ReasonMassCancel,
	ReasonPriceBand:    record.ReasonPriceBand,
	ReasonNoTrader:     record.ReasonBadTraderID,
	ReasonStopReplace:  record.ReasonUnsupported,
	ReasonClosed:       record.ReasonClosed,
	ReasonPreOpen:      record.ReasonPreOpen,
}

// Code returns the wire reason code (record.Reason*), "" for ReasonNone.
func (r Reason) Code() string {
	if int(r) < len(reasonCodes) {
		return reasonCodes[r]
	}
	return "UNKNOWN"
}

// String returns Code, or "NONE".
func (r Reason) String() string {
	if r == ReasonNone {
		return "NONE"
	}
	return r.Code()
}

// nop is the Listener used when Apply or Submit is given nil.
type nop struct{}

func (nop) OnTrade(*Trade) {}
func (nop) OnEvent(*Event) {}
