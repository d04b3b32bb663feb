package book

import "github.com/bourse/bourse/pkg/record"

// Order is one instruction to a Book in the instrument's integer units, as
// Apply takes it. The codes are record's: Side Buy=1, Sell=2 (0 and
// anything else is rejected, ReasonBadSide); Type Limit=0, Market=1; TIF
// GTC=0, IOC=1, FOK=2; Action New=0, Cancel=1, Replace=2.
//
// A MassCancel needs TraderID; Side 0 means both sides.
//
// A NEW needs ID, Side, Lots > 0 and, for a LIMIT, Ticks > 0. A CANCEL
// needs ID (and the owner's TraderID when the resting order has one). A
// REPLACE states the whole new state of the resting order: Ticks is its new
// limit price and Lots its new open quantity, both required and positive;
// there is no "0 keeps the old value" (pass the current values, which
// Resting reports, to keep them). Side, Type and TIF of a CANCEL or REPLACE
// are ignored: the resting order keeps its own.
type Order struct {
	// Tag is the caller's: it is copied to every Event and Trade this
	// instruction produces (including EXPIRED events of other orders that
	// the instruction's clock advance triggers), never interpreted and
	// never stored.
	Tag       uint64
	ID        uint64
	Ticks     int64 // limit price in ticks (LIMIT NEW, REPLACE)
	Lots      int64 // quantity in lots (NEW), new open quantity (REPLACE)
	Time      int64 // Unix ms; advances the instrument clock
	ExpiresAt int64 // Unix ms; 0 = never
	TraderID  string
	Side      record.Side
	Type      record.OrderType
	TIF       record.TimeInForce
	Action    record.Action // NEW, CANCEL, REPLACE or MassCancel

	// The opt-in order kinds of a NEW (rules.go; zero values: a plain
	// order). Stop > 0 makes a STOP (Type MARKET) or STOP_LIMIT (Type
	// LIMIT) that enters when the last trade price reaches Stop ticks.
	// Display > 0 makes an ICEBERG (LIMIT GTC) showing Display lots at a
	// time. STP overrides the book's self-trade prevention mode (STPOff:
	// the book's). PostOnly (LIMIT GTC) is rejected if it would trade on
	// arrival, and so is a REPLACE that would make it trade.
	Stop     int64
	Display  int64
	STP      STPMode
	PostOnly bool
}
