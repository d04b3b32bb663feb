package record

// The field tables: each record type's fields in JSON and column order. A
// new field is added here (and to the record's struct); the Arrow schema,
// the Arrow codec and the Parquet layout follow, and the differential tests
// fail until the hand-written JSON encoder and decoder know it too.

// OrderFields is the table of Order (the order input format). Ticks and
// Lots are derived, not fields.
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
	enumField("action", func(o *Order) *Action { return &o.Action }, actionValue, New, Cancel, Replace),
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

// EventFields is the table of Event (execution reports).
var EventFields = []Field[Event]{
	enumField("type", func(e *Event) *EventType { return &e.Type },
		func(_ string, k kind, v []byte) (EventType, error) { return eventTypeValue(k, v) },
		Accepted, Rejected, Fill, PartialFill, Cancelled, Expired, Killed, Replaced).required(),
	idField("order_id", func(e *Event) *uint64 { return &e.OrderID }),
	stringField("instrument", FieldSymbol, func(e *Event) *string { return &e.Instrument }),
	stringField("trader_id", FieldName, func(e *Event) *string { return &e.TraderID }).omit(),
	sideField("side", func(e *Event) *Side { return &e.Side }).omit(),
	orderTypeField("order_type", func(e *Event) *OrderType { return &e.OrderType }),
	tifField("time_in_force", func(e *Event) *TimeInForce { return &e.TIF }),
	fixedField("price", func(e *Event) *Fixed { return &e.Price }),
	fixedField("quantity", func(e *Event) *Fixed { return &e.Quantity }),
	fixedField("leaves_quantity", func(e *Event) *Fixed { return &e.Leaves }),
	fixedField("filled_quantity", func(e *Event) *Fixed { return &e.Filled }),
	idField("trade_id", func(e *Event) *uint64 { return &e.TradeID }).omit(),
	stringField("reason", FieldSymbol, func(e *Event) *string { return &e.Reason }).omit(),
	stringField("message", FieldText, func(e *Event) *string { return &e.Message }).omit(),
	stringField("raw", FieldText, func(e *Event) *string { return &e.Raw }).omit(),
	timeField("timestamp", func(e *Event) *int64 { return &e.Time }).required(),
}

// BarFields is the table of Bar.
var BarFields = []Field[Bar]{
	stringField("instrument", FieldSymbol, func(b *Bar) *string { return &b.Instrument }).required(),
	timeField("bar_start", func(b *Bar) *int64 { return &b.Start }).required(),
	timeField("bar_end", func(b *Bar) *int64 { return &b.End }).required(),
	fixedField("open", func(b *Bar) *Fixed { return &b.Open }),
	fixedField("high", func(b *Bar) *Fixed { return &b.High }),
	fixedField("low", func(b *Bar) *Fixed { return &b.Low }),
	fixedField("close", func(b *Bar) *Fixed { return &b.Close }),
	fixedField("volume", func(b *Bar) *Fixed { return &b.Volume }),
	fixedField("vwap", func(b *Bar) *Fixed { return &b.VWAP }),
	countField("count", func(b *Bar) *int64 { return &b.Count }),
}

// SMAFields is the table of SMA.
var SMAFields = []Field[SMA]{
	stringField("instrument", FieldSymbol, func(s *SMA) *string { return &s.Instrument }).required(),
	timeField("window_start", func(s *SMA) *int64 { return &s.WindowStart }).required(),
	timeField("window_end", func(s *SMA) *int64 { return &s.WindowEnd }).required(),
	fixedField("sma", func(s *SMA) *Fixed { return &s.SMA }),
	countField("bars", func(s *SMA) *int64 { return &s.Bars }),
}

// ProfitFields is the table of Profit.
var ProfitFields = []Field[Profit]{
	stringField("instrument", FieldSymbol, func(p *Profit) *string { return &p.Instrument }).required(),
	timeField("window_start", func(p *Profit) *int64 { return &p.WindowStart }).required(),
	timeField("window_end", func(p *Profit) *int64 { return &p.WindowEnd }).required(),
	fixedField("avg_open", func(p *Profit) *Fixed { return &p.AvgOpen }),
	fixedField("avg_close", func(p *Profit) *Fixed { return &p.AvgClose }),
	fixedField("profit", func(p *Profit) *Fixed { return &p.Profit }),
	countField("rank", func(p *Profit) *int64 { return &p.Rank }),
	countField("bars", func(p *Profit) *int64 { return &p.Bars }),
}

// RejectFields is the table of Reject.
var RejectFields = []Field[Reject]{
	stringField("source", FieldText, func(r *Reject) *string { return &r.Source }).omit(),
	stringField("reason", FieldSymbol, func(r *Reject) *string { return &r.Reason }).required(),
	stringField("message", FieldText, func(r *Reject) *string { return &r.Message }).omit(),
	stringField("raw", FieldText, func(r *Reject) *string { return &r.Raw }).omit(),
}

// InstrumentFields is the table of Instrument (the instruments reference
// and topic).
var InstrumentFields = []Field[Instrument]{
	stringField("symbol", FieldSymbol, func(in *Instrument) *string { return &in.Symbol }).required(),
	stringField("name", FieldText, func(in *Instrument) *string { return &in.Name }).omit(),
	fixedField("tick_size", func(in *Instrument) *Fixed { return &in.TickSize }).required(),
	fixedField("lot_size", func(in *Instrument) *Fixed { return &in.LotSize }).required(),
	fixedField("ref_price", func(in *Instrument) *Fixed { return &in.RefPrice }).required(),
}

// BookUpdateFields is the table of BookUpdate's JSON form; the archive
// stores book updates as rows of one level each (BookRowFields).
// The bid* (ask*) fields are all present or all omitted.
var BookUpdateFields = []Field[BookUpdate]{
	stringField("instrument", FieldSymbol, func(u *BookUpdate) *string { return &u.Instrument }).required(),
	idField("seq", func(u *BookUpdate) *uint64 { return &u.Seq }).required(),
	timeField("time", func(u *BookUpdate) *int64 { return &u.Time }).required(),
	{Name: "levels", Type: FieldLevels, Required: true},
	fixedField("bid", func(u *BookUpdate) *Fixed { return &u.Bid }).omit(),
	fixedField("bid_quantity", func(u *BookUpdate) *Fixed { return &u.BidQty }).omit(),
	countField("bid_orders", func(u *BookUpdate) *int64 { return &u.BidOrders }).omit(),
	fixedField("ask", func(u *BookUpdate) *Fixed { return &u.Ask }).omit(),
	fixedField("ask_quantity", func(u *BookUpdate) *Fixed { return &u.AskQty }).omit(),
	countField("ask_orders", func(u *BookUpdate) *int64 { return &u.AskOrders }).omit(),
}

// BookSnapshotFields is the table of BookSnapshot's JSON form.
var BookSnapshotFields = []Field[BookSnapshot]{
	stringField("instrument", FieldSymbol, func(s *BookSnapshot) *string { return &s.Instrument }).required(),
	idField("seq", func(s *BookSnapshot) *uint64 { return &s.Seq }).required(),
	timeField("time", func(s *BookSnapshot) *int64 { return &s.Time }).required(),
	{Name: "bids", Type: FieldLevels, Required: true},
	{Name: "asks", Type: FieldLevels, Required: true},
}

// BookLevelFields is the table of one level of a BookUpdate; a
// BookSnapshot's levels have the same fields without side.
var BookLevelFields = []Field[BookLevel]{
	sideField("side", func(l *BookLevel) *Side { return &l.Side }).required(),
	fixedField("price", func(l *BookLevel) *Fixed { return &l.Price }).required(),
	fixedField("quantity", func(l *BookLevel) *Fixed { return &l.Quantity }).required(),
	countField("orders", func(l *BookLevel) *int64 { return &l.Orders }).required(),
}

// BookRowFields is the table of BookRow, the archived form of book updates
// (it has no JSON form).
var BookRowFields = []Field[BookRow]{
	stringField("instrument", FieldSymbol, func(r *BookRow) *string { return &r.Instrument }),
	timeField("time", func(r *BookRow) *int64 { return &r.Time }),
	idField("seq", func(r *BookRow) *uint64 { return &r.Seq }),
	sideField("side", func(r *BookRow) *Side { return &r.Side }),
	fixedField("price", func(r *BookRow) *Fixed { return &r.Price }),
	fixedField("quantity", func(r *BookRow) *Fixed { return &r.Quantity }),
	countField("orders", func(r *BookRow) *int64 { return &r.Orders }),
	fixedField("bid", func(r *BookRow) *Fixed { return &r.Bid }),
	fixedField("bid_quantity", func(r *BookRow) *Fixed { return &r.BidQty }),
	countField("bid_orders", func(r *BookRow) *int64 { return &r.BidOrders }),
	fixedField("ask", func(r *BookRow) *Fixed { return &r.Ask }),
	fixedField("ask_quantity", func(r *BookRow) *Fixed { return &r.AskQty }),
	countField("ask_orders", func(r *BookRow) *int64 { return &r.AskOrders }),
}
