package record

// Conversions of scanned JSON values into field values. Numbers may come as
// JSON numbers or as numeric strings; both are parsed exactly.

func numeric(k kind) bool { return k == kNumber || k == kString }

// fixedValue reads any Fixed (zero and negative allowed).
func fixedValue(field string, k kind, v []byte) (Fixed, error) {
	if !numeric(k) {
		return 0, fieldError(ReasonBadField, field, "a decimal number", gotText(k, v))
	}
	f, err := ParseFixed(v)
	switch err {
	case nil:
		return f, nil
	case ErrOutOfRange:
		return 0, fieldError(ReasonTooLarge, field, "a number of at most "+MaxValue.String(), gotText(k, v))
	case ErrTooPrecise:
		return 0, fieldError(ReasonBadField, field, "at most 8 fractional digits", gotText(k, v))
	}
	return 0, fieldError(ReasonBadField, field, "a decimal number", gotText(k, v))
}

// positiveValue reads a price or quantity: 0 < value <= MaxValue.
func positiveValue(field string, k kind, v []byte) (Fixed, error) {
	f, err := fixedValue(field, k, v)
	if err != nil {
		return 0, err
	}
	if f <= 0 {
		return 0, fieldError(ReasonNonPositive, field, "a number > 0", gotText(k, v))
	}
	if f > MaxValue {
		return 0, fieldError(ReasonTooLarge, field, "a number of at most "+MaxValue.String(), gotText(k, v))
	}
	return f, nil
}

// idValue reads a positive whole number of at most 2^63-1.
func idValue(field string, k kind, v []byte) (uint64, error) {
	n, err := countValue(field, k, v)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, fieldError(ReasonNonPositive, field, "a whole number > 0", gotText(k, v))
	}
	return uint64(n), nil
}

// countValue reads a whole number in [0, 2^63-1].
func countValue(field string, k kind, v []byte) (int64, error) {
	if !numeric(k) {
		return 0, fieldError(ReasonBadField, field, "a whole number", gotText(k, v))
	}
	n, neg, err := parseUint(v)
	switch {
	case neg:
		return 0, fieldError(ReasonNonPositive, field, "a whole number >= 0", gotText(k, v))
	case err == ErrOutOfRange || (err == nil && n > 1<<63-1):
		return 0, fieldError(ReasonTooLarge, field, "a whole number of at most 9223372036854775807", gotText(k, v))
	case err != nil:
		return 0, fieldError(ReasonBadField, field, "a whole number", gotText(k, v))
	}
	return int64(n), nil
}

// stringValue reads a JSON string.
func stringValue(field string, k kind, v []byte) ([]byte, error) {
	if k != kString {
		return nil, fieldError(ReasonBadField, field, "a string", gotText(k, v))
	}
	return v, nil
}

// timeValue reads a timestamp string (see ParseTimestamp).
func timeValue(field string, k kind, v []byte) (int64, error) {
	if k == kString {
		if t, ok := ParseTimestamp(v); ok {
			return t, nil
		}
	}
	return 0, fieldError(ReasonBadTimestamp, field, `"YYYY/MM/DD, HH:MM:SS" or an RFC 3339 time`, gotText(k, v))
}

func sideValue(field string, k kind, v []byte) (Side, error) {
	if k == kString {
		if eqFold(v, "BUY") {
			return Buy, nil
		}
		if eqFold(v, "SELL") {
			return Sell, nil
		}
	}
	return 0, fieldError(ReasonBadField, field, "BUY or SELL", gotText(k, v))
}

func orderTypeValue(field string, k kind, v []byte) (OrderType, error) {
	if k == kString {
		if eqFold(v, "LIMIT") {
			return Limit, nil
		}
		if eqFold(v, "MARKET") {
			return Market, nil
		}
	}
	return 0, fieldError(ReasonBadField, field, "LIMIT or MARKET", gotText(k, v))
}

func tifValue(field string, k kind, v []byte) (TimeInForce, error) {
	if k == kString {
		switch {
		case eqFold(v, "GTC"):
			return GTC, nil
		case eqFold(v, "IOC"):
			return IOC, nil
		case eqFold(v, "FOK"):
			return FOK, nil
		case eqFold(v, "DAY"):
			return DAY, nil
		}
	}
	return 0, fieldError(ReasonBadField, field, "GTC, IOC, FOK or DAY", gotText(k, v))
}

func actionValue(field string, k kind, v []byte) (Action, error) {
	if k == kString {
		switch {
		case eqFold(v, "NEW"):
			return New, nil
		case eqFold(v, "CANCEL"):
			return Cancel, nil
		case eqFold(v, "REPLACE"):
			return Replace, nil
		case eqFold(v, "CANCEL_ALL"):
			return CancelAll, nil
		}
	}
	return 0, fieldError(ReasonBadField, field, "NEW, CANCEL, REPLACE or CANCEL_ALL", gotText(k, v))
}
