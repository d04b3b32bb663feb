package record

// STP is an order's self-trade prevention mode (the "stp" field): what
// happens when it would trade with a resting order of its own trader_id.
// The values are pkg/book's STPMode values.
type STP uint8

// Self-trade prevention modes; STPDefault (absent) is the match job's
// --stp setting.
const (
	STPDefault      STP = 0
	STPCancelNewest STP = 1 // cancel the rest of the incoming order
	STPCancelOldest STP = 2 // cancel the resting order and go on matching
	STPCancelBoth   STP = 3 // cancel the resting order, then the incoming one
)

// String returns "CANCEL_NEWEST", "CANCEL_OLDEST", "CANCEL_BOTH" or ""
// (the default).
func (s STP) String() string {
	switch s {
	case STPCancelNewest:
		return "CANCEL_NEWEST"
	case STPCancelOldest:
		return "CANCEL_OLDEST"
	case STPCancelBoth:
		return "CANCEL_BOTH"
	}
	return ""
}

// OrderRuleFields is the table of the order fields of the opt-in exchange
// rules (docs/CONTRACT.md, "Exchange rules"), written after OrderFields'
// and omitted when zero, so that an order that uses no rule encodes as
// before. They are the last columns of the orders dataset, null when zero
// (false for post_only); archives written before they were columns lack
// them, and read as orders that use no rule.
var OrderRuleFields = []Field[Order]{
	fixedField("stop_price", func(o *Order) *Fixed { return &o.StopPrice }).omit().null(),
	fixedField("display_quantity", func(o *Order) *Fixed { return &o.Display }).omit().null(),
	boolField("post_only", func(o *Order) *bool { return &o.PostOnly }).omit().null(),
	enumField("stp", func(o *Order) *STP { return &o.STP }, stpValue, STPCancelNewest, STPCancelOldest, STPCancelBoth).omit().null(),
}

// UsesRules reports whether o sets any of OrderRuleFields.
func (o *Order) UsesRules() bool {
	return o.StopPrice != 0 || o.Display != 0 || o.PostOnly || o.STP != STPDefault
}

func stpValue(field string, k kind, v []byte) (STP, error) {
	if k == kString {
		switch {
		case eqFold(v, "CANCEL_NEWEST"):
			return STPCancelNewest, nil
		case eqFold(v, "CANCEL_OLDEST"):
			return STPCancelOldest, nil
		case eqFold(v, "CANCEL_BOTH"):
			return STPCancelBoth, nil
		}
	}
	return 0, fieldError(ReasonBadField, field, "CANCEL_NEWEST, CANCEL_OLDEST or CANCEL_BOTH", gotText(k, v))
}

func boolValue(field string, k kind, v []byte) (bool, error) {
	if k == kBool {
		return v[0] == 't', nil
	}
	return false, fieldError(ReasonBadField, field, "true or false", gotText(k, v))
}

func boolField[T any](name string, p func(*T) *bool) Field[T] {
	return Field[T]{Name: name, Type: FieldBool,
		Int: func(r *T) int64 {
			if *p(r) {
				return 1
			}
			return 0
		},
		SetInt: func(r *T, v int64) { *p(r) = v != 0 },
		decode: func(r *T, field string, k kind, v []byte) (err error) {
			*p(r), err = boolValue(field, k, v)
			return err
		}}
}
