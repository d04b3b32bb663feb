package parquet

import (
	"fmt"
	"strings"

	pq "github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/schema"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/record"
)

// kind is a column's Parquet representation.
type kind uint8

const (
	kU64   kind = iota // INT64 UINT_64, delta-encoded
	kI64               // INT64
	kTS                // INT64 TIMESTAMP(MILLIS, UTC), delta-encoded
	kTSOpt             // kTS, OPTIONAL: 0 is stored as null
	kDec               // INT64 DECIMAL(18,8), dictionary-encoded
	kStr               // BYTE_ARRAY STRING, dictionary-encoded
	kText              // BYTE_ARRAY STRING, plain (free text)
)

func (k kind) tag() string {
	switch k {
	case kU64:
		return "type=INT64, convertedtype=UINT_64, encoding=DELTA_BINARY_PACKED, repetitiontype=REQUIRED"
	case kI64:
		return "type=INT64, convertedtype=INT_64, encoding=DELTA_BINARY_PACKED, repetitiontype=REQUIRED"
	case kTS:
		return "type=INT64, convertedtype=TIMESTAMP_MILLIS, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=MILLIS, encoding=DELTA_BINARY_PACKED, repetitiontype=REQUIRED"
	case kTSOpt:
		// PLAIN: parquet-go writes an unreadable DELTA_BINARY_PACKED page
		// when every value of the page is null.
		return "type=INT64, convertedtype=TIMESTAMP_MILLIS, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=MILLIS, encoding=PLAIN, repetitiontype=OPTIONAL"
	case kDec:
		return "type=INT64, convertedtype=DECIMAL, scale=8, precision=18, encoding=PLAIN_DICTIONARY, repetitiontype=REQUIRED"
	case kStr:
		return "type=BYTE_ARRAY, convertedtype=UTF8, encoding=PLAIN_DICTIONARY, repetitiontype=REQUIRED"
	default:
		return "type=BYTE_ARRAY, convertedtype=UTF8, encoding=PLAIN, repetitiontype=REQUIRED"
	}
}

func (k kind) isString() bool { return k == kStr || k == kText }

// column is one Parquet column of a record type: how to get and set it.
type column[T any] struct {
	name   string
	kind   kind
	i64    func(*T) int64
	str    func(*T) string
	setI64 func(*T, int64)
	setStr func(*T, string)
}

func u64c[T any](name string, get func(*T) uint64, set func(*T, uint64)) column[T] {
	return column[T]{name: name, kind: kU64,
		i64: func(v *T) int64 { return int64(get(v)) }, setI64: func(v *T, x int64) { set(v, uint64(x)) }}
}

func i64c[T any](name string, k kind, get func(*T) int64, set func(*T, int64)) column[T] {
	return column[T]{name: name, kind: k, i64: get, setI64: set}
}

func decc[T any](name string, get func(*T) record.Fixed, set func(*T, record.Fixed)) column[T] {
	return column[T]{name: name, kind: kDec,
		i64: func(v *T) int64 { return int64(get(v)) }, setI64: func(v *T, x int64) { set(v, record.Fixed(x)) }}
}

func strc[T any](name string, k kind, get func(*T) string, set func(*T, string)) column[T] {
	return column[T]{name: name, kind: k, str: get, setStr: set}
}

// Layout is the Parquet shape of one dataset: its columns, in the order of
// the Arrow schema, without the instrument (a partition key) and without
// the micro-batches' _src_offset.
type Layout[T any] struct {
	// Codec is the dataset's Arrow codec (time, key, instrument accessors).
	Codec *columnar.Codec[T]
	// SetInstrument puts the partition's instrument back into a record;
	// nil for rejects, which are not partitioned by instrument.
	SetInstrument func(*T, string)
	cols          []column[T]
	schema        string
	elements      []*pq.SchemaElement // the file schema, as parquet-go builds it from schema
	schemaErr     error
	orders        []*pq.ColumnOrder // type-defined order for every column: statistics are min_value/max_value
}

func newLayout[T any](c *columnar.Codec[T], setIns func(*T, string), cols ...column[T]) *Layout[T] {
	var b strings.Builder
	b.WriteString(`{"Tag":"name=bourse, repetitiontype=REQUIRED","Fields":[`)
	for i, col := range cols {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Tag":"name=%s, %s"}`, col.name, col.kind.tag())
	}
	b.WriteString(`]}`)
	l := &Layout[T]{Codec: c, SetInstrument: setIns, cols: cols, schema: b.String()}
	l.elements, l.schemaErr = fileSchema(l.schema)
	for range cols {
		l.orders = append(l.orders, &pq.ColumnOrder{TYPE_ORDER: &pq.TypeDefinedOrder{}})
	}
	return l
}

// fileSchema turns a parquet-go JSON schema into the file's schema
// elements: parquet-go's, with the external names and no field ids
// (parquet-go would give every column field_id 0).
func fileSchema(json string) ([]*pq.SchemaElement, error) {
	sh, err := schema.NewSchemaHandlerFromJSON(json)
	if err != nil {
		return nil, err
	}
	out := make([]*pq.SchemaElement, len(sh.SchemaElements))
	for i, el := range sh.SchemaElements {
		e := *el
		e.Name = sh.Infos[i].ExName
		e.FieldID = nil
		out[i] = &e
	}
	return out, nil
}

// Columns lists the layout's column names in file order.
func (l *Layout[T]) Columns() []string {
	out := make([]string, len(l.cols))
	for i, c := range l.cols {
		out[i] = c.name
	}
	return out
}

type (
	order  = record.Order
	trade  = record.Trade
	event  = record.Event
	bar    = record.Bar
	sma    = record.SMA
	profit = record.Profit
	reject = record.Reject
	book   = columnar.BookRow
)

// OrderLayout stores orders; expires_at 0 (never) is null.
var OrderLayout = newLayout(columnar.OrderCodec, func(o *order, s string) { o.Instrument = s },
	u64c("id", func(o *order) uint64 { return o.ID }, func(o *order, v uint64) { o.ID = v }),
	strc("txn_type", kStr, func(o *order) string { return o.Side.String() }, func(o *order, s string) { o.Side = columnar.ParseSide(s) }),
	decc("quantity", func(o *order) record.Fixed { return o.Quantity }, func(o *order, v record.Fixed) { o.Quantity = v }),
	decc("price", func(o *order) record.Fixed { return o.Price }, func(o *order, v record.Fixed) { o.Price = v }),
	i64c("order_timestamp", kTS, func(o *order) int64 { return o.Time }, func(o *order, v int64) { o.Time = v }),
	strc("order_type", kStr, func(o *order) string { return o.Type.String() }, func(o *order, s string) { o.Type = columnar.ParseOrderType(s) }),
	strc("time_in_force", kStr, func(o *order) string { return o.TIF.String() }, func(o *order, s string) { o.TIF = columnar.ParseTIF(s) }),
	i64c("expires_at", kTSOpt, func(o *order) int64 { return o.ExpiresAt }, func(o *order, v int64) { o.ExpiresAt = v }),
	strc("trader_id", kStr, func(o *order) string { return o.TraderID }, func(o *order, s string) { o.TraderID = s }),
	strc("action", kStr, func(o *order) string { return o.Action.String() }, func(o *order, s string) { o.Action = columnar.ParseAction(s) }),
)

// TradeLayout stores trades.
var TradeLayout = newLayout(columnar.TradeCodec, func(t *trade, s string) { t.Instrument = s },
	u64c("trade_id", func(t *trade) uint64 { return t.TradeID }, func(t *trade, v uint64) { t.TradeID = v }),
	decc("price", func(t *trade) record.Fixed { return t.Price }, func(t *trade, v record.Fixed) { t.Price = v }),
	decc("quantity", func(t *trade) record.Fixed { return t.Quantity }, func(t *trade, v record.Fixed) { t.Quantity = v }),
	u64c("buy_order_id", func(t *trade) uint64 { return t.BuyOrderID }, func(t *trade, v uint64) { t.BuyOrderID = v }),
	u64c("sell_order_id", func(t *trade) uint64 { return t.SellOrderID }, func(t *trade, v uint64) { t.SellOrderID = v }),
	strc("buy_trader_id", kStr, func(t *trade) string { return t.BuyTrader }, func(t *trade, s string) { t.BuyTrader = s }),
	strc("sell_trader_id", kStr, func(t *trade) string { return t.SellTrader }, func(t *trade, s string) { t.SellTrader = s }),
	strc("aggressor", kStr, func(t *trade) string { return t.Aggressor.String() }, func(t *trade, s string) { t.Aggressor = columnar.ParseSide(s) }),
	i64c("trade_timestamp", kTS, func(t *trade) int64 { return t.Time }, func(t *trade, v int64) { t.Time = v }),
)

// EventLayout stores execution reports.
var EventLayout = newLayout(columnar.EventCodec, func(e *event, s string) { e.Instrument = s },
	strc("type", kStr, func(e *event) string { return e.Type.String() }, func(e *event, s string) { e.Type = columnar.ParseEventType(s) }),
	u64c("order_id", func(e *event) uint64 { return e.OrderID }, func(e *event, v uint64) { e.OrderID = v }),
	strc("trader_id", kStr, func(e *event) string { return e.TraderID }, func(e *event, s string) { e.TraderID = s }),
	strc("side", kStr, func(e *event) string { return e.Side.String() }, func(e *event, s string) { e.Side = columnar.ParseSide(s) }),
	strc("order_type", kStr, func(e *event) string { return e.OrderType.String() }, func(e *event, s string) { e.OrderType = columnar.ParseOrderType(s) }),
	strc("time_in_force", kStr, func(e *event) string { return e.TIF.String() }, func(e *event, s string) { e.TIF = columnar.ParseTIF(s) }),
	decc("price", func(e *event) record.Fixed { return e.Price }, func(e *event, v record.Fixed) { e.Price = v }),
	decc("quantity", func(e *event) record.Fixed { return e.Quantity }, func(e *event, v record.Fixed) { e.Quantity = v }),
	decc("leaves_quantity", func(e *event) record.Fixed { return e.Leaves }, func(e *event, v record.Fixed) { e.Leaves = v }),
	decc("filled_quantity", func(e *event) record.Fixed { return e.Filled }, func(e *event, v record.Fixed) { e.Filled = v }),
	u64c("trade_id", func(e *event) uint64 { return e.TradeID }, func(e *event, v uint64) { e.TradeID = v }),
	strc("reason", kStr, func(e *event) string { return e.Reason }, func(e *event, s string) { e.Reason = s }),
	strc("message", kText, func(e *event) string { return e.Message }, func(e *event, s string) { e.Message = s }),
	strc("raw", kText, func(e *event) string { return e.Raw }, func(e *event, s string) { e.Raw = s }),
	i64c("timestamp", kTS, func(e *event) int64 { return e.Time }, func(e *event, v int64) { e.Time = v }),
)

// BarLayout stores OHLC bars.
var BarLayout = newLayout(columnar.BarCodec, func(b *bar, s string) { b.Instrument = s },
	i64c("bar_start", kTS, func(b *bar) int64 { return b.Start }, func(b *bar, v int64) { b.Start = v }),
	i64c("bar_end", kTS, func(b *bar) int64 { return b.End }, func(b *bar, v int64) { b.End = v }),
	decc("open", func(b *bar) record.Fixed { return b.Open }, func(b *bar, v record.Fixed) { b.Open = v }),
	decc("high", func(b *bar) record.Fixed { return b.High }, func(b *bar, v record.Fixed) { b.High = v }),
	decc("low", func(b *bar) record.Fixed { return b.Low }, func(b *bar, v record.Fixed) { b.Low = v }),
	decc("close", func(b *bar) record.Fixed { return b.Close }, func(b *bar, v record.Fixed) { b.Close = v }),
	decc("volume", func(b *bar) record.Fixed { return b.Volume }, func(b *bar, v record.Fixed) { b.Volume = v }),
	decc("vwap", func(b *bar) record.Fixed { return b.VWAP }, func(b *bar, v record.Fixed) { b.VWAP = v }),
	i64c("count", kI64, func(b *bar) int64 { return b.Count }, func(b *bar, v int64) { b.Count = v }),
)

// SMALayout stores SMA windows.
var SMALayout = newLayout(columnar.SMACodec, func(s *sma, v string) { s.Instrument = v },
	i64c("window_start", kTS, func(s *sma) int64 { return s.WindowStart }, func(s *sma, v int64) { s.WindowStart = v }),
	i64c("window_end", kTS, func(s *sma) int64 { return s.WindowEnd }, func(s *sma, v int64) { s.WindowEnd = v }),
	decc("sma", func(s *sma) record.Fixed { return s.SMA }, func(s *sma, v record.Fixed) { s.SMA = v }),
	i64c("bars", kI64, func(s *sma) int64 { return s.Bars }, func(s *sma, v int64) { s.Bars = v }),
)

// ProfitLayout stores profit windows.
var ProfitLayout = newLayout(columnar.ProfitCodec, func(p *profit, s string) { p.Instrument = s },
	i64c("window_start", kTS, func(p *profit) int64 { return p.WindowStart }, func(p *profit, v int64) { p.WindowStart = v }),
	i64c("window_end", kTS, func(p *profit) int64 { return p.WindowEnd }, func(p *profit, v int64) { p.WindowEnd = v }),
	decc("avg_open", func(p *profit) record.Fixed { return p.AvgOpen }, func(p *profit, v record.Fixed) { p.AvgOpen = v }),
	decc("avg_close", func(p *profit) record.Fixed { return p.AvgClose }, func(p *profit, v record.Fixed) { p.AvgClose = v }),
	decc("profit", func(p *profit) record.Fixed { return p.Profit }, func(p *profit, v record.Fixed) { p.Profit = v }),
	i64c("rank", kI64, func(p *profit) int64 { return p.Rank }, func(p *profit, v int64) { p.Rank = v }),
	i64c("bars", kI64, func(p *profit) int64 { return p.Bars }, func(p *profit, v int64) { p.Bars = v }),
)

// RejectLayout stores rejects (not partitioned by instrument).
var RejectLayout = newLayout(columnar.RejectCodec, nil,
	strc("source", kText, func(r *reject) string { return r.Source }, func(r *reject, s string) { r.Source = s }),
	strc("reason", kStr, func(r *reject) string { return r.Reason }, func(r *reject, s string) { r.Reason = s }),
	strc("message", kText, func(r *reject) string { return r.Message }, func(r *reject, s string) { r.Message = s }),
	strc("raw", kText, func(r *reject) string { return r.Raw }, func(r *reject, s string) { r.Raw = s }),
)

// BookLayout stores book rows: one price level change per row (see
// columnar.BookRow); bid* and ask* are 0 when that side is empty.
var BookLayout = newLayout(columnar.BookCodec, func(r *book, s string) { r.Instrument = s },
	i64c("time", kTS, func(r *book) int64 { return r.Time }, func(r *book, v int64) { r.Time = v }),
	u64c("seq", func(r *book) uint64 { return r.Seq }, func(r *book, v uint64) { r.Seq = v }),
	strc("side", kStr, func(r *book) string { return r.Side.String() }, func(r *book, s string) { r.Side = columnar.ParseSide(s) }),
	decc("price", func(r *book) record.Fixed { return r.Price }, func(r *book, v record.Fixed) { r.Price = v }),
	decc("quantity", func(r *book) record.Fixed { return r.Quantity }, func(r *book, v record.Fixed) { r.Quantity = v }),
	i64c("orders", kI64, func(r *book) int64 { return r.Orders }, func(r *book, v int64) { r.Orders = v }),
	decc("bid", func(r *book) record.Fixed { return r.Bid }, func(r *book, v record.Fixed) { r.Bid = v }),
	decc("bid_quantity", func(r *book) record.Fixed { return r.BidQty }, func(r *book, v record.Fixed) { r.BidQty = v }),
	i64c("bid_orders", kI64, func(r *book) int64 { return r.BidOrders }, func(r *book, v int64) { r.BidOrders = v }),
	decc("ask", func(r *book) record.Fixed { return r.Ask }, func(r *book, v record.Fixed) { r.Ask = v }),
	decc("ask_quantity", func(r *book) record.Fixed { return r.AskQty }, func(r *book, v record.Fixed) { r.AskQty = v }),
	i64c("ask_orders", kI64, func(r *book) int64 { return r.AskOrders }, func(r *book, v int64) { r.AskOrders = v }),
)
