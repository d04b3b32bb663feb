package record

// Side is BUY or SELL.
type Side uint8

// Sides.
const (
	Buy  Side = 1
	Sell Side = 2
)

// String returns "BUY" or "SELL".
func (s Side) String() string {
	switch s {
	case Buy:
		return "BUY"
	case Sell:
		return "SELL"
	}
	return "UNKNOWN"
}

// Opposite returns the other side.
func (s Side) Opposite() Side { return 3 - s }

// OrderType is LIMIT or MARKET.
type OrderType uint8

// Order types.
const (
	Limit  OrderType = 0
	Market OrderType = 1
)

// String returns "LIMIT" or "MARKET".
func (t OrderType) String() string {
	if t == Market {
		return "MARKET"
	}
	return "LIMIT"
}

// TimeInForce says how long an order may rest: GTC, IOC, FOK or DAY.
type TimeInForce uint8

// Times in force.
const (
	GTC TimeInForce = 0
	IOC TimeInForce = 1
	FOK TimeInForce = 2
	// DAY rests like GTC until its instrument's phase becomes CLOSED
	// (match --session), when it is EXPIRED; without a session it never
	// expires. It is pkg/book's DAY.
	DAY TimeInForce = 3
)

// String returns "GTC", "IOC", "FOK" or "DAY".
func (t TimeInForce) String() string {
	switch t {
	case IOC:
		return "IOC"
	case FOK:
		return "FOK"
	case DAY:
		return "DAY"
	}
	return "GTC"
}

// Action is NEW, CANCEL, REPLACE or CANCEL_ALL.
type Action uint8

// Actions.
const (
	New     Action = 0
	Cancel  Action = 1
	Replace Action = 2
	// CancelAll (CANCEL_ALL, the kill switch) cancels every resting order
	// and pending stop of the order's trader_id on its instrument, on its
	// side when txn_type is given (else both sides).
	CancelAll Action = 3
)

// String returns "NEW", "CANCEL", "REPLACE" or "CANCEL_ALL".
func (a Action) String() string {
	switch a {
	case Cancel:
		return "CANCEL"
	case Replace:
		return "REPLACE"
	case CancelAll:
		return "CANCEL_ALL"
	}
	return "NEW"
}

// Order is one instruction from a trader, as decoded from the orders stream.
//
// Price and Quantity are exact decimals as sent. Ticks and Lots are the same
// values in the instrument's integer units; they are filled in by
// Instruments.Validate and are what the order book works with.
type Order struct {
	ID         uint64
	Instrument string
	Side       Side
	Type       OrderType
	TIF        TimeInForce
	Action     Action
	Price      Fixed // 0 when absent (MARKET, or CANCEL)
	Quantity   Fixed // 0 when absent (CANCEL, or a REPLACE that keeps it)
	Time       int64 // order_timestamp, Unix ms UTC
	ExpiresAt  int64 // Unix ms UTC; 0 = never
	TraderID   string
	Ticks      int64 // Price / tick size, set by Validate
	Lots       int64 // Quantity / lot size, set by Validate

	// The opt-in exchange rules' fields (OrderRuleFields); zero values
	// give a plain order.
	StopPrice   Fixed // stop_price: the trigger of a STOP (MARKET) or STOP_LIMIT (LIMIT)
	Display     Fixed // display_quantity: the shown quantity of an ICEBERG
	PostOnly    bool  // post_only: rejected (WOULD_TRADE) if it would trade on arrival
	STP         STP   // stp: this order's self-trade prevention mode
	StopTicks   int64 // StopPrice / tick size, set by Validate
	DisplayLots int64 // Display / lot size, set by Validate
}

// OrderFields is the table of Order (the order input format) and the
// first columns of the orders dataset. Ticks and Lots are derived, not
// fields. The rules' fields follow in OrderRuleFields.
var OrderFields = []Field[Order]{
	idField("id", func(o *Order) *uint64 { return &o.ID }).required(),
	stringField("instrument", FieldSymbol, func(o *Order) *string { return &o.Instrument }).required(),
	sideField("txn_type", func(o *Order) *Side { return &o.Side }).omit(),
	fixedField("quantity", func(o *Order) *Fixed { return &o.Quantity }).omit(),
	fixedField("price", func(o *Order) *Fixed { return &o.Price }).omit(),
	timeField("order_timestamp", func(o *Order) *int64 { return &o.Time }).required(),
	orderTypeField("order_type", func(o *Order) *OrderType { return &o.Type }),
	tifField("time_in_force", func(o *Order) *TimeInForce { return &o.TIF }),
	timeField("expires_at", func(o *Order) *int64 { return &o.ExpiresAt }).omit().null(),
	stringField("trader_id", FieldName, func(o *Order) *string { return &o.TraderID }).omit(),
	enumField("action", func(o *Order) *Action { return &o.Action }, actionValue, New, Cancel, Replace, CancelAll),
}
