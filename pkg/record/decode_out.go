package record

// Decoders for the records bourse writes (execution reports, bars, SMA,
// profit, rejects). They follow the JSON rules of OrderDecoder (unknown keys
// skipped, repeated keys rejected, null = absent, numbers or numeric
// strings) and read what the Append*JSON encoders write; they allocate
// their strings and are meant for tests, tools and the serving layer rather
// than hot loops. Unlike the input decoders they take lines of any length:
// a reject's raw text may itself be a whole oversize record.

var eventNames = []string{"type", "order_id", "instrument", "trader_id", "side", "order_type",
	"time_in_force", "price", "quantity", "leaves_quantity", "filled_quantity", "trade_id",
	"reason", "message", "raw", "timestamp"}

var eventIndex = linearIndex(eventNames)

// DecodeEvent decodes one execution report; type and timestamp are
// required.
func DecodeEvent(line []byte, e *Event) error {
	return decodeOutput(line, e, eventNames, eventIndex, []int{0, 15}, func(f int, name string, k kind, v []byte) error {
		var err error
		var n int64
		switch name {
		case "type":
			e.Type, err = eventTypeValue(k, v)
		case "order_id":
			n, err = countValue("order_id", k, v)
			e.OrderID = uint64(n)
		case "instrument":
			e.Instrument, err = ownedString("instrument", k, v)
		case "trader_id":
			e.TraderID, err = ownedString("trader_id", k, v)
		case "side":
			e.Side, err = sideValue("side", k, v)
		case "order_type":
			e.OrderType, err = orderTypeValue("order_type", k, v)
		case "time_in_force":
			e.TIF, err = tifValue("time_in_force", k, v)
		case "price":
			e.Price, err = fixedValue("price", k, v)
		case "quantity":
			e.Quantity, err = fixedValue("quantity", k, v)
		case "leaves_quantity":
			e.Leaves, err = fixedValue("leaves_quantity", k, v)
		case "filled_quantity":
			e.Filled, err = fixedValue("filled_quantity", k, v)
		case "trade_id":
			n, err = countValue("trade_id", k, v)
			e.TradeID = uint64(n)
		case "reason":
			e.Reason, err = ownedString("reason", k, v)
		case "message":
			e.Message, err = ownedString("message", k, v)
		case "raw":
			e.Raw, err = ownedString("raw", k, v)
		case "timestamp":
			e.Time, err = timeValue("timestamp", k, v)
		}
		return err
	})
}

func eventTypeValue(k kind, v []byte) (EventType, error) {
	if k == kString {
		for t := Accepted; t <= Replaced; t++ {
			if eqFold(v, t.String()) {
				return t, nil
			}
		}
	}
	return 0, fieldError(ReasonBadField, "type", "an execution report type such as ACCEPTED or FILL", gotText(k, v))
}

func ownedString(field string, k kind, v []byte) (string, error) {
	v, err := stringValue(field, k, v)
	return string(v), err
}

var barNames = []string{"instrument", "bar_start", "bar_end", "open", "high", "low", "close", "volume", "vwap", "count"}

var barIndex = linearIndex(barNames)

// DecodeBar decodes one OHLC bar; instrument, bar_start and bar_end are
// required.
func DecodeBar(line []byte, r *Bar) error {
	return decodeOutput(line, r, barNames, barIndex, []int{0, 1, 2}, func(f int, name string, k kind, v []byte) error {
		var err error
		switch f {
		case 0:
			r.Instrument, err = ownedString(name, k, v)
		case 1:
			r.Start, err = timeValue(name, k, v)
		case 2:
			r.End, err = timeValue(name, k, v)
		case 3:
			r.Open, err = fixedValue(name, k, v)
		case 4:
			r.High, err = fixedValue(name, k, v)
		case 5:
			r.Low, err = fixedValue(name, k, v)
		case 6:
			r.Close, err = fixedValue(name, k, v)
		case 7:
			r.Volume, err = fixedValue(name, k, v)
		case 8:
			r.VWAP, err = fixedValue(name, k, v)
		case 9:
			r.Count, err = countValue(name, k, v)
		}
		return err
	})
}

var smaNames = []string{"instrument", "window_start", "window_end", "sma", "bars"}

var smaIndex = linearIndex(smaNames)

// DecodeSMA decodes one moving-average record; instrument, window_start and
// window_end are required.
func DecodeSMA(line []byte, r *SMA) error {
	return decodeOutput(line, r, smaNames, smaIndex, []int{0, 1, 2}, func(f int, name string, k kind, v []byte) error {
		var err error
		switch f {
		case 0:
			r.Instrument, err = ownedString(name, k, v)
		case 1:
			r.WindowStart, err = timeValue(name, k, v)
		case 2:
			r.WindowEnd, err = timeValue(name, k, v)
		case 3:
			r.SMA, err = fixedValue(name, k, v)
		case 4:
			r.Bars, err = countValue(name, k, v)
		}
		return err
	})
}

var profitNames = []string{"instrument", "window_start", "window_end", "avg_open", "avg_close", "profit", "rank", "bars"}

var profitIndex = linearIndex(profitNames)

// DecodeProfit decodes one profit record; instrument, window_start and
// window_end are required.
func DecodeProfit(line []byte, r *Profit) error {
	return decodeOutput(line, r, profitNames, profitIndex, []int{0, 1, 2}, func(f int, name string, k kind, v []byte) error {
		var err error
		switch f {
		case 0:
			r.Instrument, err = ownedString(name, k, v)
		case 1:
			r.WindowStart, err = timeValue(name, k, v)
		case 2:
			r.WindowEnd, err = timeValue(name, k, v)
		case 3:
			r.AvgOpen, err = fixedValue(name, k, v)
		case 4:
			r.AvgClose, err = fixedValue(name, k, v)
		case 5:
			r.Profit, err = fixedValue(name, k, v)
		case 6:
			r.Rank, err = countValue(name, k, v)
		case 7:
			r.Bars, err = countValue(name, k, v)
		}
		return err
	})
}

var rejectNames = []string{"source", "reason", "message", "raw"}

var rejectIndex = linearIndex(rejectNames)

// DecodeReject decodes one reject record; reason is required.
func DecodeReject(line []byte, r *Reject) error {
	return decodeOutput(line, r, rejectNames, rejectIndex, []int{1}, func(f int, name string, k kind, v []byte) error {
		str, err := ownedString(name, k, v)
		switch f {
		case 0:
			r.Source = str
		case 1:
			r.Reason = str
		case 2:
			r.Message = str
		case 3:
			r.Raw = str
		}
		return err
	})
}

// decodeOutput decodes line, one flat object of the fields in names, into
// *r: set handles each field present, required lists the fields that must
// be there, and on any error *r is left zero.
func decodeOutput[T any](line []byte, r *T, names []string, index fieldIndex, required []int, set func(f int, name string, k kind, v []byte) error) error {
	var zero T
	*r = zero
	var scratch []byte
	s := scanner{b: line}
	present, err := s.object(&scratch, names, index, true, func(f int, k kind, v []byte) error {
		return set(f, names[f], k, v)
	})
	if err == nil {
		err = requireAll(present, names, required...)
	}
	if err != nil {
		*r = zero
	}
	return err
}
