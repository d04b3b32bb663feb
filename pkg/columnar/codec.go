package columnar

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/bourse/bourse/pkg/record"
)

// Codec converts one dataset's records to and from Arrow. T is the record
// type (record.Trade, ...). The codecs are the package-level *Codec values.
type Codec[T any] struct {
	// Dataset is the dataset the codec serves.
	Dataset Dataset
	// Schema is the micro-batch schema, SrcOffsetColumn last.
	Schema *arrow.Schema
	// Time returns the record's event time (Unix ms UTC) that picks its
	// day partition; nil for rejects, which carry none.
	Time func(*T) int64
	// Key breaks ties after Time when sorting (trade id, order id, rank).
	Key func(*T) uint64
	// Instrument returns the record's instrument; nil for rejects.
	Instrument func(*T) string

	check  func(*T) error
	append func(bs []array.Builder, v *T)
	decode func(c *cols) func(i int, v *T)
}

// Append adds v, produced by input offset srcOffset, as one row of b, which
// must have been made from c.Schema. A price or quantity outside
// decimal(18,8) is an error and appends nothing.
func (c *Codec[T]) Append(b *array.RecordBuilder, v *T, srcOffset int64) error {
	if err := c.check(v); err != nil {
		return err
	}
	bs := b.Fields()
	c.append(bs, v)
	appendI64(bs[len(bs)-1], srcOffset)
	return nil
}

// Decode calls fn for each row of rec with the row's record and source
// offset (-1 when rec has no SrcOffsetColumn). The record passed to fn is
// reused between calls. Columns are found by name; a missing column or a
// column of the wrong type is an ErrSchema error.
func (c *Codec[T]) Decode(rec arrow.Record, fn func(v *T, srcOffset int64) error) error {
	cs := &cols{rec: rec, ds: c.Dataset}
	row := c.decode(cs)
	var off func(int) int64
	if len(rec.Schema().FieldIndices(SrcOffsetColumn)) > 0 {
		off = cs.i64(SrcOffsetColumn)
	}
	if cs.err != nil {
		return cs.err
	}
	var v T
	n := int(rec.NumRows())
	for i := 0; i < n; i++ {
		var zero T
		v = zero
		row(i, &v)
		if cs.err != nil {
			return cs.err
		}
		o := int64(-1)
		if off != nil {
			o = off(i)
		}
		if err := fn(&v, o); err != nil {
			return err
		}
	}
	return nil
}

// Records decodes every row of rec into a new slice.
func (c *Codec[T]) Records(rec arrow.Record) ([]T, error) {
	out := make([]T, 0, rec.NumRows())
	err := c.Decode(rec, func(v *T, _ int64) error {
		out = append(out, *v)
		return nil
	})
	return out, err
}

var (
	sideByName = map[string]record.Side{"BUY": record.Buy, "SELL": record.Sell}
	typeByName = map[string]record.OrderType{"LIMIT": record.Limit, "MARKET": record.Market}
	tifByName  = map[string]record.TimeInForce{"GTC": record.GTC, "IOC": record.IOC, "FOK": record.FOK}
	actByName  = map[string]record.Action{"NEW": record.New, "CANCEL": record.Cancel, "REPLACE": record.Replace}
	evByName   = func() map[string]record.EventType {
		m := map[string]record.EventType{}
		for t := record.EventType(1); t.String() != "UNKNOWN"; t++ {
			m[t.String()] = t
		}
		return m
	}()
)

// OrderCodec converts orders. Ticks and Lots are not stored: they are
// derived again when the order is validated. ExpiresAt 0 (never) is null.
var OrderCodec = &Codec[record.Order]{
	Dataset:    Orders,
	Schema:     OrderSchema,
	Time:       func(o *record.Order) int64 { return o.Time },
	Key:        func(*record.Order) uint64 { return 0 }, // input order within a millisecond: replays match the same way
	Instrument: func(o *record.Order) string { return o.Instrument },
	check:      func(o *record.Order) error { return checkFixed(Orders, o.Price, o.Quantity) },
	append: func(b []array.Builder, o *record.Order) {
		appendU64(b[0], o.ID)
		appendDict(b[1], o.Instrument)
		appendDict(b[2], o.Side.String())
		appendDec(b[3], o.Quantity)
		appendDec(b[4], o.Price)
		appendTS(b[5], o.Time)
		appendDict(b[6], o.Type.String())
		appendDict(b[7], o.TIF.String())
		if o.ExpiresAt == 0 {
			b[8].AppendNull()
		} else {
			appendTS(b[8], o.ExpiresAt)
		}
		appendStr(b[9], o.TraderID)
		appendDict(b[10], o.Action.String())
	},
	decode: func(c *cols) func(int, *record.Order) {
		id, ins, side, qty, px := c.u64("id"), c.str("instrument"), c.str("txn_type"), c.dec("quantity"), c.dec("price")
		tm, typ, tif, exp := c.ts("order_timestamp"), c.str("order_type"), c.str("time_in_force"), c.ts("expires_at")
		trader, act := c.str("trader_id"), c.str("action")
		return func(i int, o *record.Order) {
			o.ID, o.Instrument, o.Side, o.Quantity, o.Price = id(i), ins(i), sideByName[side(i)], qty(i), px(i)
			o.Time, o.Type, o.TIF, o.ExpiresAt = tm(i), typeByName[typ(i)], tifByName[tif(i)], exp(i)
			o.TraderID, o.Action = trader(i), actByName[act(i)]
		}
	},
}

// TradeCodec converts trades.
var TradeCodec = &Codec[record.Trade]{
	Dataset:    Trades,
	Schema:     TradeSchema,
	Time:       func(t *record.Trade) int64 { return t.Time },
	Key:        func(t *record.Trade) uint64 { return t.TradeID },
	Instrument: func(t *record.Trade) string { return t.Instrument },
	check:      func(t *record.Trade) error { return checkFixed(Trades, t.Price, t.Quantity) },
	append: func(b []array.Builder, t *record.Trade) {
		appendU64(b[0], t.TradeID)
		appendDict(b[1], t.Instrument)
		appendDec(b[2], t.Price)
		appendDec(b[3], t.Quantity)
		appendU64(b[4], t.BuyOrderID)
		appendU64(b[5], t.SellOrderID)
		appendStr(b[6], t.BuyTrader)
		appendStr(b[7], t.SellTrader)
		appendDict(b[8], t.Aggressor.String())
		appendTS(b[9], t.Time)
	},
	decode: func(c *cols) func(int, *record.Trade) {
		id, ins, px, qty := c.u64("trade_id"), c.str("instrument"), c.dec("price"), c.dec("quantity")
		buy, sell, bt, st := c.u64("buy_order_id"), c.u64("sell_order_id"), c.str("buy_trader_id"), c.str("sell_trader_id")
		agg, tm := c.str("aggressor"), c.ts("trade_timestamp")
		return func(i int, t *record.Trade) {
			t.TradeID, t.Instrument, t.Price, t.Quantity = id(i), ins(i), px(i), qty(i)
			t.BuyOrderID, t.SellOrderID, t.BuyTrader, t.SellTrader = buy(i), sell(i), bt(i), st(i)
			t.Aggressor, t.Time = sideByName[agg(i)], tm(i)
		}
	},
}

// EventCodec converts execution reports.
var EventCodec = &Codec[record.Event]{
	Dataset:    Events,
	Schema:     EventSchema,
	Time:       func(e *record.Event) int64 { return e.Time },
	Key:        func(*record.Event) uint64 { return 0 }, // emission order within a millisecond
	Instrument: func(e *record.Event) string { return e.Instrument },
	check: func(e *record.Event) error {
		return checkFixed(Events, e.Price, e.Quantity, e.Leaves, e.Filled)
	},
	append: func(b []array.Builder, e *record.Event) {
		appendDict(b[0], e.Type.String())
		appendU64(b[1], e.OrderID)
		appendDict(b[2], e.Instrument)
		appendStr(b[3], e.TraderID)
		appendDict(b[4], e.Side.String())
		appendDict(b[5], e.OrderType.String())
		appendDict(b[6], e.TIF.String())
		appendDec(b[7], e.Price)
		appendDec(b[8], e.Quantity)
		appendDec(b[9], e.Leaves)
		appendDec(b[10], e.Filled)
		appendU64(b[11], e.TradeID)
		appendDict(b[12], e.Reason)
		appendStr(b[13], e.Message)
		appendStr(b[14], e.Raw)
		appendTS(b[15], e.Time)
	},
	decode: func(c *cols) func(int, *record.Event) {
		typ, oid, ins, trader, side := c.str("type"), c.u64("order_id"), c.str("instrument"), c.str("trader_id"), c.str("side")
		ot, tif, px, qty := c.str("order_type"), c.str("time_in_force"), c.dec("price"), c.dec("quantity")
		lv, fl, tid, rsn := c.dec("leaves_quantity"), c.dec("filled_quantity"), c.u64("trade_id"), c.str("reason")
		msg, raw, tm := c.str("message"), c.str("raw"), c.ts("timestamp")
		return func(i int, e *record.Event) {
			e.Type, e.OrderID, e.Instrument, e.TraderID, e.Side = evByName[typ(i)], oid(i), ins(i), trader(i), sideByName[side(i)]
			e.OrderType, e.TIF, e.Price, e.Quantity = typeByName[ot(i)], tifByName[tif(i)], px(i), qty(i)
			e.Leaves, e.Filled, e.TradeID, e.Reason = lv(i), fl(i), tid(i), rsn(i)
			e.Message, e.Raw, e.Time = msg(i), raw(i), tm(i)
		}
	},
}

// BarCodec converts OHLC bars; the day is that of bar_start.
var BarCodec = &Codec[record.Bar]{
	Dataset:    Bars,
	Schema:     BarSchema,
	Time:       func(b *record.Bar) int64 { return b.Start },
	Key:        func(b *record.Bar) uint64 { return uint64(b.End) },
	Instrument: func(b *record.Bar) string { return b.Instrument },
	check: func(b *record.Bar) error {
		return checkFixed(Bars, b.Open, b.High, b.Low, b.Close, b.Volume, b.VWAP)
	},
	append: func(bs []array.Builder, b *record.Bar) {
		appendDict(bs[0], b.Instrument)
		appendTS(bs[1], b.Start)
		appendTS(bs[2], b.End)
		appendDec(bs[3], b.Open)
		appendDec(bs[4], b.High)
		appendDec(bs[5], b.Low)
		appendDec(bs[6], b.Close)
		appendDec(bs[7], b.Volume)
		appendDec(bs[8], b.VWAP)
		appendI64(bs[9], b.Count)
	},
	decode: func(c *cols) func(int, *record.Bar) {
		ins, st, en, o, h := c.str("instrument"), c.ts("bar_start"), c.ts("bar_end"), c.dec("open"), c.dec("high")
		l, cl, vol, vw, n := c.dec("low"), c.dec("close"), c.dec("volume"), c.dec("vwap"), c.i64("count")
		return func(i int, b *record.Bar) {
			b.Instrument, b.Start, b.End, b.Open, b.High = ins(i), st(i), en(i), o(i), h(i)
			b.Low, b.Close, b.Volume, b.VWAP, b.Count = l(i), cl(i), vol(i), vw(i), n(i)
		}
	},
}

// SMACodec converts SMA windows; the day is that of window_start.
var SMACodec = &Codec[record.SMA]{
	Dataset:    SMAs,
	Schema:     SMASchema,
	Time:       func(s *record.SMA) int64 { return s.WindowStart },
	Key:        func(s *record.SMA) uint64 { return uint64(s.WindowEnd) },
	Instrument: func(s *record.SMA) string { return s.Instrument },
	check:      func(s *record.SMA) error { return checkFixed(SMAs, s.SMA) },
	append: func(b []array.Builder, s *record.SMA) {
		appendDict(b[0], s.Instrument)
		appendTS(b[1], s.WindowStart)
		appendTS(b[2], s.WindowEnd)
		appendDec(b[3], s.SMA)
		appendI64(b[4], s.Bars)
	},
	decode: func(c *cols) func(int, *record.SMA) {
		ins, st, en, v, n := c.str("instrument"), c.ts("window_start"), c.ts("window_end"), c.dec("sma"), c.i64("bars")
		return func(i int, s *record.SMA) {
			s.Instrument, s.WindowStart, s.WindowEnd, s.SMA, s.Bars = ins(i), st(i), en(i), v(i), n(i)
		}
	},
}

// ProfitCodec converts profit windows; the day is that of window_start.
var ProfitCodec = &Codec[record.Profit]{
	Dataset:    Profits,
	Schema:     ProfitSchema,
	Time:       func(p *record.Profit) int64 { return p.WindowStart },
	Key:        func(p *record.Profit) uint64 { return uint64(p.Rank) },
	Instrument: func(p *record.Profit) string { return p.Instrument },
	check: func(p *record.Profit) error {
		return checkFixed(Profits, p.AvgOpen, p.AvgClose, p.Profit)
	},
	append: func(b []array.Builder, p *record.Profit) {
		appendDict(b[0], p.Instrument)
		appendTS(b[1], p.WindowStart)
		appendTS(b[2], p.WindowEnd)
		appendDec(b[3], p.AvgOpen)
		appendDec(b[4], p.AvgClose)
		appendDec(b[5], p.Profit)
		appendI64(b[6], p.Rank)
		appendI64(b[7], p.Bars)
	},
	decode: func(c *cols) func(int, *record.Profit) {
		ins, st, en, ao, ac := c.str("instrument"), c.ts("window_start"), c.ts("window_end"), c.dec("avg_open"), c.dec("avg_close")
		pr, rk, n := c.dec("profit"), c.i64("rank"), c.i64("bars")
		return func(i int, p *record.Profit) {
			p.Instrument, p.WindowStart, p.WindowEnd, p.AvgOpen, p.AvgClose = ins(i), st(i), en(i), ao(i), ac(i)
			p.Profit, p.Rank, p.Bars = pr(i), rk(i), n(i)
		}
	},
}

// RejectCodec converts rejects. Rejects carry no event time: the writer
// files them under the day of the latest event time it has seen (see
// BatchWriter).
var RejectCodec = &Codec[record.Reject]{
	Dataset: Rejects,
	Schema:  RejectSchema,
	Key:     func(*record.Reject) uint64 { return 0 },
	check:   func(*record.Reject) error { return nil },
	append: func(b []array.Builder, r *record.Reject) {
		appendStr(b[0], r.Source)
		appendDict(b[1], r.Reason)
		appendStr(b[2], r.Message)
		appendStr(b[3], r.Raw)
	},
	decode: func(c *cols) func(int, *record.Reject) {
		src, rsn, msg, raw := c.str("source"), c.str("reason"), c.str("message"), c.str("raw")
		return func(i int, r *record.Reject) {
			r.Source, r.Reason, r.Message, r.Raw = src(i), rsn(i), msg(i), raw(i)
		}
	},
}

// ParseSide returns the Side named s ("BUY", "SELL"), or 0.
func ParseSide(s string) record.Side { return sideByName[s] }

// ParseOrderType returns the OrderType named s ("LIMIT", "MARKET"), or LIMIT.
func ParseOrderType(s string) record.OrderType { return typeByName[s] }

// ParseTIF returns the TimeInForce named s ("GTC", "IOC", "FOK"), or GTC.
func ParseTIF(s string) record.TimeInForce { return tifByName[s] }

// ParseAction returns the Action named s ("NEW", "CANCEL", "REPLACE"), or NEW.
func ParseAction(s string) record.Action { return actByName[s] }

// ParseEventType returns the EventType named s ("FILL", ...), or 0.
func ParseEventType(s string) record.EventType { return evByName[s] }
