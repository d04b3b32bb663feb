package record

import (
	"strconv"
	"sync"
)

// Order fields, as indexes into orderNames.
const (
	ofID = iota
	ofInstrument
	ofSide
	ofQuantity
	ofPrice
	ofTime
	ofType
	ofTIF
	ofExpires
	ofTrader
	ofAction
	ofStop
	ofDisplay
	ofPostOnly
	ofSTP
)

var orderNames = []string{"id", "instrument", "txn_type (or trxn_type)", "quantity", "price",
	"order_timestamp", "order_type", "time_in_force", "expires_at", "trader_id", "action",
	"stop_price", "display_quantity", "post_only", "stp"}

func orderIndex(key []byte) int {
	switch string(key) {
	case "id":
		return ofID
	case "instrument":
		return ofInstrument
	case "txn_type", "trxn_type":
		return ofSide
	case "quantity":
		return ofQuantity
	case "price":
		return ofPrice
	case "order_timestamp":
		return ofTime
	case "order_type":
		return ofType
	case "time_in_force":
		return ofTIF
	case "expires_at":
		return ofExpires
	case "trader_id":
		return ofTrader
	case "action":
		return ofAction
	case "stop_price":
		return ofStop
	case "display_quantity":
		return ofDisplay
	case "post_only":
		return ofPostOnly
	case "stp":
		return ofSTP
	}
	return -1
}

// OrderDecoder decodes order records (one JSON object per line). It keeps a
// scratch buffer and bounded intern tables for instrument and trader ids, so
// that in steady state decoding allocates nothing. The zero value is ready
// to use; an OrderDecoder is not safe for concurrent use.
//
// The rules, beyond RFC 8259 JSON:
//   - keys may come in any order with any whitespace; unknown keys are
//     skipped (their values are still validated);
//   - a known key given twice is rejected (txn_type and trxn_type are the
//     same key), so an order never silently means two things;
//   - null is treated as an absent key;
//   - numbers may be JSON numbers or numeric strings ("5.0"), parsed exactly;
//   - enum values (BUY, LIMIT, GTC, NEW, ...) are case-insensitive;
//   - id is a whole number in [1, 2^63-1] ("7.0" is fine, "7.5" is not);
//   - instrument, order_timestamp are required; txn_type is required unless
//     action is CANCEL or CANCEL_ALL (where it picks one side); quantity is
//     required for NEW; price is required for a LIMIT NEW; quantity, price,
//     stop_price and display_quantity, when given, are in (0, MaxValue];
//     post_only is true or false;
//   - strings must be valid UTF-8; \u escapes of unpaired surrogates become
//     U+FFFD, as in encoding/json;
//   - lines longer than MaxLineBytes are rejected unread (ReasonOversize).
//
// Errors are *Error values carrying a Reason* code.
type OrderDecoder struct {
	scratch     []byte
	instruments internTable
	traders     internTable
}

// Decode decodes one order record into o, overwriting all of it.
func (d *OrderDecoder) Decode(line []byte, o *Order) error {
	*o = Order{}
	if len(line) > MaxLineBytes {
		return oversize(len(line))
	}
	s := scanner{b: line}
	present, err := s.object(&d.scratch, orderNames, orderIndex, true, func(f int, k kind, v []byte) error {
		var err error
		switch f {
		case ofID:
			o.ID, err = idValue("id", k, v)
		case ofInstrument:
			if v, err = stringValue("instrument", k, v); err == nil {
				if len(v) == 0 {
					return fieldError(ReasonBadField, "instrument", "a non-empty string", `""`)
				}
				o.Instrument = d.instruments.get(v, 8)
			}
		case ofSide:
			o.Side, err = sideValue("txn_type", k, v)
		case ofQuantity:
			o.Quantity, err = positiveValue("quantity", k, v)
		case ofPrice:
			o.Price, err = positiveValue("price", k, v)
		case ofTime:
			o.Time, err = timeValue("order_timestamp", k, v)
		case ofType:
			o.Type, err = orderTypeValue("order_type", k, v)
		case ofTIF:
			o.TIF, err = tifValue("time_in_force", k, v)
		case ofExpires:
			o.ExpiresAt, err = timeValue("expires_at", k, v)
		case ofTrader:
			if v, err = stringValue("trader_id", k, v); err == nil {
				o.TraderID = d.traders.get(v, 12)
			}
		case ofAction:
			o.Action, err = actionValue("action", k, v)
		case ofStop:
			o.StopPrice, err = positiveValue("stop_price", k, v)
		case ofDisplay:
			o.Display, err = positiveValue("display_quantity", k, v)
		case ofPostOnly:
			o.PostOnly, err = boolValue("post_only", k, v)
		case ofSTP:
			o.STP, err = stpValue("stp", k, v)
		}
		return err
	})
	if err != nil {
		*o = Order{}
		return err
	}
	if err := checkOrder(o, present); err != nil {
		*o = Order{}
		return err
	}
	return nil
}

func checkOrder(o *Order, present uint32) *Error {
	has := func(f int) bool { return present&(1<<f) != 0 }
	switch {
	case !has(ofID):
		return missing("id", "a whole number > 0")
	case !has(ofInstrument):
		return missing("instrument", "a string")
	case !has(ofTime):
		return missing("order_timestamp", `"YYYY/MM/DD, HH:MM:SS" or an RFC 3339 time`)
	case o.Action != Cancel && o.Action != CancelAll && !has(ofSide):
		return missing("txn_type", "BUY or SELL for a "+o.Action.String()+" order")
	case o.Action == New && !has(ofQuantity):
		return missing("quantity", "a number > 0 for a NEW order")
	case o.Action == New && o.Type == Limit && !has(ofPrice):
		return missing("price", "a number > 0 for a LIMIT order")
	}
	return nil
}

func oversize(n int) *Error {
	return &Error{Reason: ReasonOversize, Message: "record: expected at most " + strconv.Itoa(MaxLineBytes) + " bytes, got " + strconv.Itoa(n)}
}

var orderDecoders = sync.Pool{New: func() any { return new(OrderDecoder) }}

// DecodeOrder decodes one order record with a pooled OrderDecoder; see
// OrderDecoder for the rules. Hot loops should keep their own decoder.
func DecodeOrder(line []byte, o *Order) error {
	d := orderDecoders.Get().(*OrderDecoder)
	err := d.Decode(line, o)
	orderDecoders.Put(d)
	return err
}
