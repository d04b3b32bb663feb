package serve

import (
	"encoding/json"
	"strconv"

	"github.com/bourse/bourse/pkg/record"
)

// The public trade tape is anonymous: a trade is shown to every trader
// with its id, instrument, price, quantity, aggressor side and time, never
// with the traders or the order ids of either side. A trader who was a
// party sees, on the stream and on the trades endpoint, the id of their own
// order too (buy_order_id when they bought, sell_order_id when they sold;
// both for a trade with themselves), and never anything of the other side.

// appendPublicTrade appends the anonymous JSON of t.
func appendPublicTrade(b []byte, t *record.Trade) []byte {
	b = append(b, `{"trade_id":`...)
	b = strconv.AppendUint(b, t.TradeID, 10)
	b = append(b, `,"instrument":`...)
	b = appendJSONString(b, t.Instrument)
	b = append(b, `,"price":`...)
	b = t.Price.AppendText(b)
	b = append(b, `,"quantity":`...)
	b = t.Quantity.AppendText(b)
	if t.Aggressor == record.Buy || t.Aggressor == record.Sell {
		b = append(b, `,"aggressor":"`...)
		b = append(b, t.Aggressor.String()...)
		b = append(b, '"')
	}
	b = append(b, `,"trade_timestamp":"`...)
	b = record.AppendTime(b, t.Time)
	return append(b, `"}`...)
}

// appendOwnFields appends trader's own order ids of a trade whose parties
// and orders are given (nothing when trader was not a party).
func appendOwnFields(b []byte, trader string, parties [2]string, orders [2]uint64) []byte {
	if trader == "" {
		return b
	}
	if parties[0] == trader {
		b = append(b, `,"buy_order_id":`...)
		b = strconv.AppendUint(b, orders[0], 10)
	}
	if parties[1] == trader {
		b = append(b, `,"sell_order_id":`...)
		b = strconv.AppendUint(b, orders[1], 10)
	}
	return b
}

// isParty reports whether trader bought or sold in the trade.
func isParty(trader string, parties [2]string) bool {
	return trader != "" && (parties[0] == trader || parties[1] == trader)
}

// appendTradeFor appends t as trader may see it: the public fields, and
// the trader's own order ids when a party.
func appendTradeFor(b []byte, t *record.Trade, trader string) []byte {
	b = appendPublicTrade(b, t)
	parties := [2]string{t.BuyTrader, t.SellTrader}
	if !isParty(trader, parties) {
		return b
	}
	b = appendOwnFields(b[:len(b)-1], trader, parties, [2]uint64{t.BuyOrderID, t.SellOrderID})
	return append(b, '}')
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
