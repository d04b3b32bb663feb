package record

import "sync"

const (
	tfID = iota
	tfInstrument
	tfPrice
	tfQuantity
	tfBuyOrder
	tfSellOrder
	tfBuyTrader
	tfSellTrader
	tfAggressor
	tfTime
)

var tradeNames = []string{"trade_id", "instrument", "price", "quantity", "buy_order_id",
	"sell_order_id", "buy_trader_id", "sell_trader_id", "aggressor", "trade_timestamp"}

func tradeIndex(key []byte) int {
	switch string(key) {
	case "trade_id":
		return tfID
	case "instrument":
		return tfInstrument
	case "price":
		return tfPrice
	case "quantity":
		return tfQuantity
	case "buy_order_id":
		return tfBuyOrder
	case "sell_order_id":
		return tfSellOrder
	case "buy_trader_id":
		return tfBuyTrader
	case "sell_trader_id":
		return tfSellTrader
	case "aggressor":
		return tfAggressor
	case "trade_timestamp":
		return tfTime
	}
	return -1
}

// TradeDecoder decodes trade records as AppendTradeJSON writes them, with
// the same JSON rules as OrderDecoder (unknown keys skipped, repeated keys
// rejected, null = absent, numbers or numeric strings) and without
// allocating in steady state. trade_id, instrument, price, quantity,
// buy_order_id, sell_order_id and trade_timestamp are required. The zero
// value is ready to use; a TradeDecoder is not safe for concurrent use.
type TradeDecoder struct {
	scratch     []byte
	instruments internTable
	traders     internTable
}

// Decode decodes one trade record into t, overwriting all of it.
func (d *TradeDecoder) Decode(line []byte, t *Trade) error {
	*t = Trade{}
	if len(line) > MaxLineBytes {
		return oversize(len(line))
	}
	s := scanner{b: line}
	present, err := s.object(&d.scratch, tradeNames, tradeIndex, true, func(f int, k kind, v []byte) error {
		var err error
		switch f {
		case tfID:
			t.TradeID, err = idValue("trade_id", k, v)
		case tfInstrument:
			if v, err = stringValue("instrument", k, v); err == nil {
				t.Instrument = d.instruments.get(v, 8)
			}
		case tfPrice:
			t.Price, err = positiveValue("price", k, v)
		case tfQuantity:
			t.Quantity, err = positiveValue("quantity", k, v)
		case tfBuyOrder:
			t.BuyOrderID, err = idValue("buy_order_id", k, v)
		case tfSellOrder:
			t.SellOrderID, err = idValue("sell_order_id", k, v)
		case tfBuyTrader:
			if v, err = stringValue("buy_trader_id", k, v); err == nil {
				t.BuyTrader = d.traders.get(v, 12)
			}
		case tfSellTrader:
			if v, err = stringValue("sell_trader_id", k, v); err == nil {
				t.SellTrader = d.traders.get(v, 12)
			}
		case tfAggressor:
			t.Aggressor, err = sideValue("aggressor", k, v)
		case tfTime:
			t.Time, err = timeValue("trade_timestamp", k, v)
		}
		return err
	})
	if err == nil {
		err = requireAll(present, tradeNames, tfID, tfInstrument, tfPrice, tfQuantity, tfBuyOrder, tfSellOrder, tfTime)
	}
	if err != nil {
		*t = Trade{}
		return err
	}
	if t.Instrument == "" {
		*t = Trade{}
		return fieldError(ReasonBadField, "instrument", "a non-empty string", `""`)
	}
	return nil
}

// requireAll returns a MISSING_FIELD error for the first of fields that is
// not present.
func requireAll(present uint32, names []string, fields ...int) error {
	for _, f := range fields {
		if present&(1<<f) == 0 {
			return missing(names[f], "a value")
		}
	}
	return nil
}

var tradeDecoders = sync.Pool{New: func() any { return new(TradeDecoder) }}

// DecodeTrade decodes one trade record with a pooled TradeDecoder.
func DecodeTrade(line []byte, t *Trade) error {
	d := tradeDecoders.Get().(*TradeDecoder)
	err := d.Decode(line, t)
	tradeDecoders.Put(d)
	return err
}
