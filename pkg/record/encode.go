package record

import (
	"strconv"
	"unicode/utf8"
)

// The Append*JSON encoders write one compact JSON object (no newline) with
// the field names and order of docs/CONTRACT.md. They allocate only when b
// has to grow. Empty optional strings and zero optional ids and expiry
// times are omitted; prices and quantities use Fixed.AppendText and times
// AppendTime.

const hexDigits = "0123456789abcdef"

// safeASCII[c] is true for ASCII bytes that JSON strings carry verbatim.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString appends s as a JSON string. Control characters are escaped
// and invalid UTF-8 is replaced by \ufffd, so the output is always valid.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendKey(b []byte, key string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

func appendStringField(b []byte, key, v string) []byte {
	return appendString(appendKey(b, key), v)
}

func appendOptString(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendString(appendKey(b, key), v)
}

func appendWord(b []byte, key, w string) []byte {
	b = appendKey(b, key)
	b = append(b, '"')
	b = append(b, w...)
	return append(b, '"')
}

func appendFixed(b []byte, key string, f Fixed) []byte {
	return f.AppendText(appendKey(b, key))
}

func appendUint(b []byte, key string, v uint64) []byte {
	return strconv.AppendUint(appendKey(b, key), v, 10)
}

func appendInt(b []byte, key string, v int64) []byte {
	return strconv.AppendInt(appendKey(b, key), v, 10)
}

func appendTimeField(b []byte, key string, ms int64) []byte {
	b = appendKey(b, key)
	b = append(b, '"')
	b = AppendTime(b, ms)
	return append(b, '"')
}

func appendSide(b []byte, key string, s Side) []byte {
	if s != Buy && s != Sell {
		return b
	}
	return appendWord(b, key, s.String())
}

// AppendOrderJSON appends o in the order input format. txn_type is omitted
// when the side is unset (a CANCEL), quantity and price when zero,
// expires_at when zero, trader_id when empty, and the rules' fields
// (stop_price, display_quantity, post_only, stp) when zero. Ticks, Lots,
// StopTicks and DisplayLots are not written.
func AppendOrderJSON(b []byte, o *Order) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, o.ID, 10)
	b = appendStringField(b, "instrument", o.Instrument)
	b = appendSide(b, "txn_type", o.Side)
	if o.Quantity != 0 {
		b = appendFixed(b, "quantity", o.Quantity)
	}
	if o.Price != 0 {
		b = appendFixed(b, "price", o.Price)
	}
	b = appendTimeField(b, "order_timestamp", o.Time)
	b = appendWord(b, "order_type", o.Type.String())
	b = appendWord(b, "time_in_force", o.TIF.String())
	if o.ExpiresAt != 0 {
		b = appendTimeField(b, "expires_at", o.ExpiresAt)
	}
	b = appendOptString(b, "trader_id", o.TraderID)
	b = appendWord(b, "action", o.Action.String())
	if o.UsesRules() {
		b = appendOrderRules(b, o)
	}
	return append(b, '}')
}

// appendOrderRules appends the fields of OrderRuleFields that o sets.
func appendOrderRules(b []byte, o *Order) []byte {
	if o.StopPrice != 0 {
		b = appendFixed(b, "stop_price", o.StopPrice)
	}
	if o.Display != 0 {
		b = appendFixed(b, "display_quantity", o.Display)
	}
	if o.PostOnly {
		b = append(appendKey(b, "post_only"), "true"...)
	}
	if o.STP != STPDefault {
		b = appendWord(b, "stp", o.STP.String())
	}
	return b
}

// AppendTradeJSON appends t; trader ids are omitted when empty and the
// aggressor when unset.
func AppendTradeJSON(b []byte, t *Trade) []byte {
	b = append(b, `{"trade_id":`...)
	b = strconv.AppendUint(b, t.TradeID, 10)
	b = appendStringField(b, "instrument", t.Instrument)
	b = appendFixed(b, "price", t.Price)
	b = appendFixed(b, "quantity", t.Quantity)
	b = appendUint(b, "buy_order_id", t.BuyOrderID)
	b = appendUint(b, "sell_order_id", t.SellOrderID)
	b = appendOptString(b, "buy_trader_id", t.BuyTrader)
	b = appendOptString(b, "sell_trader_id", t.SellTrader)
	b = appendSide(b, "aggressor", t.Aggressor)
	b = appendTimeField(b, "trade_timestamp", t.Time)
	return append(b, '}')
}

// AppendEventJSON appends the execution report e. trader_id, side (when
// unset), trade_id (when zero), reason, message and raw (when empty) are
// omitted.
func AppendEventJSON(b []byte, e *Event) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, e.Type.String()...)
	b = append(b, `","order_id":`...)
	b = strconv.AppendUint(b, e.OrderID, 10)
	b = appendStringField(b, "instrument", e.Instrument)
	b = appendOptString(b, "trader_id", e.TraderID)
	b = appendSide(b, "side", e.Side)
	b = appendWord(b, "order_type", e.OrderType.String())
	b = appendWord(b, "time_in_force", e.TIF.String())
	b = appendFixed(b, "price", e.Price)
	b = appendFixed(b, "quantity", e.Quantity)
	b = appendFixed(b, "leaves_quantity", e.Leaves)
	b = appendFixed(b, "filled_quantity", e.Filled)
	if e.TradeID != 0 {
		b = appendUint(b, "trade_id", e.TradeID)
	}
	b = appendOptString(b, "reason", e.Reason)
	b = appendOptString(b, "message", e.Message)
	b = appendOptString(b, "raw", e.Raw)
	b = appendTimeField(b, "timestamp", e.Time)
	return append(b, '}')
}

// AppendBarJSON appends the OHLC bar r.
func AppendBarJSON(b []byte, r *Bar) []byte {
	b = append(b, `{"instrument":`...)
	b = appendString(b, r.Instrument)
	b = appendTimeField(b, "bar_start", r.Start)
	b = appendTimeField(b, "bar_end", r.End)
	b = appendFixed(b, "open", r.Open)
	b = appendFixed(b, "high", r.High)
	b = appendFixed(b, "low", r.Low)
	b = appendFixed(b, "close", r.Close)
	b = appendFixed(b, "volume", r.Volume)
	b = appendFixed(b, "vwap", r.VWAP)
	b = appendInt(b, "count", r.Count)
	return append(b, '}')
}

// AppendSMAJSON appends the moving average s.
func AppendSMAJSON(b []byte, s *SMA) []byte {
	b = append(b, `{"instrument":`...)
	b = appendString(b, s.Instrument)
	b = appendTimeField(b, "window_start", s.WindowStart)
	b = appendTimeField(b, "window_end", s.WindowEnd)
	b = appendFixed(b, "sma", s.SMA)
	b = appendInt(b, "bars", s.Bars)
	return append(b, '}')
}

// AppendProfitJSON appends the profit window p.
func AppendProfitJSON(b []byte, p *Profit) []byte {
	b = append(b, `{"instrument":`...)
	b = appendString(b, p.Instrument)
	b = appendTimeField(b, "window_start", p.WindowStart)
	b = appendTimeField(b, "window_end", p.WindowEnd)
	b = appendFixed(b, "avg_open", p.AvgOpen)
	b = appendFixed(b, "avg_close", p.AvgClose)
	b = appendFixed(b, "profit", p.Profit)
	b = appendInt(b, "rank", p.Rank)
	b = appendInt(b, "bars", p.Bars)
	return append(b, '}')
}

// AppendRejectJSON appends the reject r; source, message and raw are
// omitted when empty.
func AppendRejectJSON(b []byte, r *Reject) []byte {
	b = append(b, '{')
	if r.Source != "" {
		b = append(b, `"source":`...)
		b = appendString(b, r.Source)
		b = append(b, ',')
	}
	b = append(b, `"reason":`...)
	b = appendString(b, r.Reason)
	b = appendOptString(b, "message", r.Message)
	b = appendOptString(b, "raw", r.Raw)
	return append(b, '}')
}

// AppendStatusJSON appends s.
func AppendStatusJSON(b []byte, s *Status) []byte {
	b = append(b, `{"instrument":`...)
	b = appendString(b, s.Instrument)
	b = appendStringField(b, "phase", s.Phase)
	b = appendTimeField(b, "time", s.Time)
	return append(b, '}')
}
