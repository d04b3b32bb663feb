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

// columnOf is the Parquet column of one record table field: FieldID is
// kU64, FieldCount kI64, FieldTime kTS (kTSOpt when zero is null),
// FieldFixed kDec, FieldSymbol and FieldName kStr, FieldText kText.
func columnOf[T any](f *record.Field[T]) column[T] {
	c := column[T]{name: f.Name, i64: f.Int, str: f.Str, setI64: f.SetInt, setStr: f.SetStr}
	switch f.Type {
	case record.FieldID:
		c.kind = kU64
	case record.FieldCount:
		c.kind = kI64
	case record.FieldTime:
		c.kind = kTS
		if f.Null {
			c.kind = kTSOpt
		}
	case record.FieldFixed:
		c.kind = kDec
	case record.FieldSymbol, record.FieldName:
		c.kind = kStr
	case record.FieldText:
		c.kind = kText
	default:
		panic(fmt.Sprintf("parquet: field %s has no column type", f.Name))
	}
	return c
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

// newLayout builds the layout of c's dataset from its field table; a
// dataset partitioned by instrument (setIns not nil) leaves the instrument
// column out.
func newLayout[T any](c *columnar.Codec[T], setIns func(*T, string)) *Layout[T] {
	var cols []column[T]
	for i := range c.Fields {
		if setIns != nil && c.Fields[i].Name == "instrument" {
			continue
		}
		cols = append(cols, columnOf(&c.Fields[i]))
	}
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

type trade = record.Trade

// The layouts of the datasets, built from the record field tables.
var (
	// OrderLayout stores orders; expires_at 0 (never) is null.
	OrderLayout = newLayout(columnar.OrderCodec, func(o *record.Order, s string) { o.Instrument = s })
	// TradeLayout stores trades.
	TradeLayout = newLayout(columnar.TradeCodec, func(t *record.Trade, s string) { t.Instrument = s })
	// EventLayout stores execution reports.
	EventLayout = newLayout(columnar.EventCodec, func(e *record.Event, s string) { e.Instrument = s })
	// BarLayout stores OHLC bars.
	BarLayout = newLayout(columnar.BarCodec, func(b *record.Bar, s string) { b.Instrument = s })
	// SMALayout stores SMA windows.
	SMALayout = newLayout(columnar.SMACodec, func(m *record.SMA, s string) { m.Instrument = s })
	// ProfitLayout stores profit windows.
	ProfitLayout = newLayout(columnar.ProfitCodec, func(p *record.Profit, s string) { p.Instrument = s })
	// RejectLayout stores rejects (not partitioned by instrument).
	RejectLayout = newLayout(columnar.RejectCodec, nil)
	// BookLayout stores book rows: one price level change per row (see
	// record.BookRow); bid* and ask* are 0 when that side is empty.
	BookLayout = newLayout(columnar.BookCodec, func(r *record.BookRow, s string) { r.Instrument = s })
)
