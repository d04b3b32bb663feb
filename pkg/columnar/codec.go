package columnar

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/bourse/bourse/pkg/record"
)

// Codec converts one dataset's records to and from Arrow. T is the record
// type (record.Trade, ...). The codecs are the package-level *Codec values,
// built from the record field tables (table.go).
type Codec[T any] struct {
	// Dataset is the dataset the codec serves.
	Dataset Dataset
	// Fields is the record type's field table, in column order.
	Fields []record.Field[T]
	// Schema is the micro-batch schema, built from Fields, SrcOffsetColumn
	// last.
	Schema *arrow.Schema
	// Time returns the record's event time (Unix ms UTC) that picks its
	// day partition; nil for rejects, which carry none.
	Time func(*T) int64
	// Key breaks ties after Time when sorting (trade id, order id, rank).
	Key func(*T) uint64
	// Instrument returns the record's instrument; nil for rejects.
	Instrument func(*T) string

	base   int // the number of Fields the dataset had from its first files
	check  func(*T) error
	append func(bs []array.Builder, v *T)
	decode func(c *cols) func(i int, v *T)
}

// Added reports whether Fields[i] is a column added to the dataset after
// its first files were written (the orders' exchange-rule fields). Such a
// column is nullable, and a file without it decodes as if every row held
// null there.
func (c *Codec[T]) Added(i int) bool { return i >= c.base }

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
// reused between calls. Columns are found by name; a missing column (but
// an Added one) or a column of the wrong type is an ErrSchema error.
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

// OrderCodec converts orders. Ticks, Lots, StopTicks and DisplayLots are
// not stored: they are derived again when the order is validated.
// ExpiresAt 0 (never) is null; the exchange rules' fields
// (record.OrderRuleFields) are the last columns, null when the order does
// not set them, and were added later: batches written before them read as
// orders that set none. Rows of one millisecond keep their input order, so
// replays match the same way.
var OrderCodec = withKeys(newCodec(Orders, record.OrderFields, record.OrderRuleFields...),
	func(o *record.Order) int64 { return o.Time },
	func(*record.Order) uint64 { return 0 },
	func(o *record.Order) string { return o.Instrument })

// TradeCodec converts trades.
var TradeCodec = withKeys(newCodec(Trades, record.TradeFields),
	func(t *record.Trade) int64 { return t.Time },
	func(t *record.Trade) uint64 { return t.TradeID },
	func(t *record.Trade) string { return t.Instrument })

// EventCodec converts execution reports; rows of one millisecond keep
// their emission order.
var EventCodec = withKeys(newCodec(Events, record.EventFields),
	func(e *record.Event) int64 { return e.Time },
	func(*record.Event) uint64 { return 0 },
	func(e *record.Event) string { return e.Instrument })

// BarCodec converts OHLC bars; the day is that of bar_start.
var BarCodec = withKeys(newCodec(Bars, record.BarFields),
	func(b *record.Bar) int64 { return b.Start },
	func(b *record.Bar) uint64 { return uint64(b.End) },
	func(b *record.Bar) string { return b.Instrument })

// SMACodec converts SMA windows; the day is that of window_start.
var SMACodec = withKeys(newCodec(SMAs, record.SMAFields),
	func(s *record.SMA) int64 { return s.WindowStart },
	func(s *record.SMA) uint64 { return uint64(s.WindowEnd) },
	func(s *record.SMA) string { return s.Instrument })

// ProfitCodec converts profit windows; the day is that of window_start.
var ProfitCodec = withKeys(newCodec(Profits, record.ProfitFields),
	func(p *record.Profit) int64 { return p.WindowStart },
	func(p *record.Profit) uint64 { return uint64(p.Rank) },
	func(p *record.Profit) string { return p.Instrument })

// StatusCodec converts trading phase changes; the day is that of time,
// and rows of one millisecond keep their emission order.
var StatusCodec = withKeys(newCodec(Statuses, record.StatusFields),
	func(s *record.Status) int64 { return s.Time },
	func(*record.Status) uint64 { return 0 },
	func(s *record.Status) string { return s.Instrument })

// RejectCodec converts rejects. Rejects carry no event time: the writer
// files them under the day of the latest event time it has seen (see
// BatchWriter).
var RejectCodec = withKeys(newCodec(Rejects, record.RejectFields), nil,
	func(*record.Reject) uint64 { return 0 }, nil)

// withKeys sets c's Time, Key and Instrument.
func withKeys[T any](c *Codec[T], time func(*T) int64, key func(*T) uint64, instrument func(*T) string) *Codec[T] {
	c.Time, c.Key, c.Instrument = time, key, instrument
	return c
}
