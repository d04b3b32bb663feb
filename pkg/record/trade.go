package record

// Trade is one execution between a resting and an incoming order.
type Trade struct {
	TradeID     uint64 // per-instrument sequence from 1
	Instrument  string
	Price       Fixed // the resting order's price
	Quantity    Fixed
	BuyOrderID  uint64
	SellOrderID uint64
	BuyTrader   string
	SellTrader  string
	Aggressor   Side
	Time        int64 // the instrument clock, Unix ms UTC
}

// TradeFields is the table of Trade.
var TradeFields = []Field[Trade]{
	idField("trade_id", func(t *Trade) *uint64 { return &t.TradeID }).required(),
	stringField("instrument", FieldSymbol, func(t *Trade) *string { return &t.Instrument }).required(),
	fixedField("price", func(t *Trade) *Fixed { return &t.Price }).required(),
	fixedField("quantity", func(t *Trade) *Fixed { return &t.Quantity }).required(),
	idField("buy_order_id", func(t *Trade) *uint64 { return &t.BuyOrderID }).required(),
	idField("sell_order_id", func(t *Trade) *uint64 { return &t.SellOrderID }).required(),
	stringField("buy_trader_id", FieldName, func(t *Trade) *string { return &t.BuyTrader }).omit(),
	stringField("sell_trader_id", FieldName, func(t *Trade) *string { return &t.SellTrader }).omit(),
	sideField("aggressor", func(t *Trade) *Side { return &t.Aggressor }).omit(),
	timeField("trade_timestamp", func(t *Trade) *int64 { return &t.Time }).required(),
}
