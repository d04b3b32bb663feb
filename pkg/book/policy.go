package book

import "fmt"

// Policy selects the matching rule of a Book.
type Policy uint8

// Matching policies.
const (
	// PriceTime is continuous price-time priority matching with partial
	// fills, MARKET, IOC, FOK, CANCEL and REPLACE. It is the default.
	PriceTime Policy = 0
	// Exact reproduces the original rule: a LIMIT GTC order trades only with
	// the oldest resting opposite order of equal price and equal quantity,
	// fully, and otherwise rests. MARKET, IOC, FOK and REPLACE are rejected
	// with record.ReasonUnsupported.
	Exact Policy = 1
)

// String returns "price-time" or "exact".
func (p Policy) String() string {
	switch p {
	case PriceTime:
		return "price-time"
	case Exact:
		return "exact"
	}
	return fmt.Sprintf("policy(%d)", uint8(p))
}

// ParsePolicy parses "price-time" (also "pricetime", "" for the default) or
// "exact".
func ParsePolicy(s string) (Policy, error) {
	switch s {
	case "", "price-time", "pricetime", "price_time":
		return PriceTime, nil
	case "exact":
		return Exact, nil
	}
	return 0, fmt.Errorf("book: unknown matching policy %q: expected \"price-time\" or \"exact\"", s)
}
