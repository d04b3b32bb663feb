package record

// EventType is the kind of an execution report.
type EventType uint8

// Execution report types.
const (
	Accepted    EventType = 1
	Rejected    EventType = 2
	Fill        EventType = 3
	PartialFill EventType = 4
	Cancelled   EventType = 5
	Expired     EventType = 6
	Killed      EventType = 7
	Replaced    EventType = 8
	// Triggered: a STOP or STOP_LIMIT order entered the book, the last
	// trade price having reached its stop_price.
	Triggered EventType = 9
)

var eventTypeNames = [...]string{"UNKNOWN", "ACCEPTED", "REJECTED", "FILL", "PARTIAL_FILL", "CANCELLED", "EXPIRED", "KILLED", "REPLACED", "TRIGGERED"}

// String returns the wire name, e.g. "PARTIAL_FILL".
func (t EventType) String() string {
	if int(t) < len(eventTypeNames) {
		return eventTypeNames[t]
	}
	return "UNKNOWN"
}

// Reason codes carried by REJECTED reports and Reject records.
const (
	ReasonBadJSON           = "BAD_JSON"
	ReasonMissingField      = "MISSING_FIELD"
	ReasonBadField          = "BAD_FIELD"
	ReasonUnknownInstrument = "UNKNOWN_INSTRUMENT"
	ReasonOffTick           = "OFF_TICK"
	ReasonOffLot            = "OFF_LOT"
	ReasonNonPositive       = "NON_POSITIVE"
	ReasonTooLarge          = "TOO_LARGE"
	ReasonBadTimestamp      = "BAD_TIMESTAMP"
	ReasonOversize          = "OVERSIZE"
	ReasonExpired           = "ALREADY_EXPIRED"
	ReasonDuplicateID       = "DUPLICATE_ID"
	ReasonUnknownOrder      = "UNKNOWN_ORDER"
	ReasonUnsupported       = "UNSUPPORTED"
	ReasonLate              = "LATE"               // a trade in a bar whose window was already emitted
	ReasonKeyMismatch       = "KEY_MISMATCH"       // Kafka record key is not the order's instrument
	ReasonKeyMissing        = "KEY_MISSING"        // keyless record on a multi-partition topic
	ReasonClockSkew         = "CLOCK_SKEW"         // order time too far ahead of the instrument clock and the reference time
	ReasonNotOwner          = "NOT_OWNER"          // CANCEL/REPLACE from a trader_id other than the resting order's
	ReasonBadTraderID       = "BAD_TRADER_ID"      // trader_id not 1-64 bytes of A-Z a-z 0-9 - _ . : @
	ReasonInstrumentRemoved = "INSTRUMENT_REMOVED" // CANCELLED: the instrument left the reference
	ReasonInstrumentChanged = "INSTRUMENT_CHANGED" // CANCELLED: the instrument's tick or lot size changed
	// The opt-in exchange rules' reasons (docs/CONTRACT.md, "Exchange rules").
	ReasonSelfTrade  = "SELF_TRADE"  // CANCELLED: self-trade prevention
	ReasonWouldTrade = "WOULD_TRADE" // REJECTED: a post_only order would trade on arrival
	ReasonMassCancel = "MASS_CANCEL" // CANCELLED: a CANCEL_ALL of its trader
	ReasonPriceBand  = "PRICE_BAND"  // REJECTED: limit price outside the instrument's price band
	ReasonPreOpen    = "PRE_OPEN"    // REJECTED: a MARKET, IOC, FOK or post_only order while nothing matches (PRE_OPEN, HALTED)
	ReasonClosed     = "CLOSED"      // REJECTED: a NEW or REPLACE in phase BUFFER or CLOSED
)

// Event is an execution report: what happened to one order.
//
// Price is the order's limit price (for ACCEPTED, REPLACED, CANCELLED,
// EXPIRED) or the fill price (for FILL, PARTIAL_FILL). Quantity is the
// order's quantity or the fill quantity. Leaves is the open quantity left
// resting after the event, Filled the cumulative filled quantity.
type Event struct {
	Type       EventType
	OrderID    uint64
	Instrument string
	TraderID   string
	Side       Side
	OrderType  OrderType
	TIF        TimeInForce
	Price      Fixed
	Quantity   Fixed
	Leaves     Fixed
	Filled     Fixed
	TradeID    uint64 // for fills
	Reason     string // for REJECTED, and CANCELLED by a reference change or a rule: a Reason* code
	Message    string // for REJECTED (and CANCELLED by a reference change): a human explanation
	Raw        string // for REJECTED: the original record text, when it could not be decoded
	Time       int64  // the instrument clock, Unix ms UTC
}

// EventFields is the table of Event (execution reports).
var EventFields = []Field[Event]{
	enumField("type", func(e *Event) *EventType { return &e.Type },
		func(_ string, k kind, v []byte) (EventType, error) { return eventTypeValue(k, v) },
		Accepted, Rejected, Fill, PartialFill, Cancelled, Expired, Killed, Replaced, Triggered).required(),
	idField("order_id", func(e *Event) *uint64 { return &e.OrderID }),
	stringField("instrument", FieldSymbol, func(e *Event) *string { return &e.Instrument }),
	stringField("trader_id", FieldName, func(e *Event) *string { return &e.TraderID }).omit(),
	sideField("side", func(e *Event) *Side { return &e.Side }).omit(),
	orderTypeField("order_type", func(e *Event) *OrderType { return &e.OrderType }),
	tifField("time_in_force", func(e *Event) *TimeInForce { return &e.TIF }),
	fixedField("price", func(e *Event) *Fixed { return &e.Price }),
	fixedField("quantity", func(e *Event) *Fixed { return &e.Quantity }),
	fixedField("leaves_quantity", func(e *Event) *Fixed { return &e.Leaves }),
	fixedField("filled_quantity", func(e *Event) *Fixed { return &e.Filled }),
	idField("trade_id", func(e *Event) *uint64 { return &e.TradeID }).omit(),
	stringField("reason", FieldSymbol, func(e *Event) *string { return &e.Reason }).omit(),
	stringField("message", FieldText, func(e *Event) *string { return &e.Message }).omit(),
	stringField("raw", FieldText, func(e *Event) *string { return &e.Raw }).omit(),
	timeField("timestamp", func(e *Event) *int64 { return &e.Time }).required(),
}
