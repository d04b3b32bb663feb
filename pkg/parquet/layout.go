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
	kU64  kind = iota // INT64 UINT_64, delta-encoded
	kI64              // INT64
	kTS               // INT64 TIMESTAMP(MILLIS, UTC), delta-encoded
	kDec              // INT64 DECIMAL(18,8), dictionary-encoded
	kStr              // BYTE_ARRAY STRING, dictionary-encoded
	kText             // BYTE_ARRAY STRING, plain (free text)
	kBool             // BOOLEAN, plain
)

// tag is the parquet-go schema tag of a column of kind k; opt makes it
// OPTIONAL (a zero value is stored as null).
func (k kind) tag(opt bool) string {
	rep := "REQUIRED"
	if opt {
		rep = "OPTIONAL"
	}
	var t string
	switch k {
	case kU64:
		t = "type=INT64, convertedtype=UINT_64, encoding=DELTA_BINARY_PACKED"
	case kI64:
		t = "type=INT64, convertedtype=INT_64, encoding=DELTA_BINARY_PACKED"
	case kTS:
		t = "type=INT64, convertedtype=TIMESTAMP_MILLIS, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=MILLIS, encoding=DELTA_BINARY_PACKED"
		if opt {
			// PLAIN: parquet-go writes an unreadable DELTA_BINARY_PACKED
			// page when every value of the page is null.
			t = strings.Replace(t, "DELTA_BINARY_PACKED", "PLAIN", 1)
		}
	case kDec:
		t = "type=INT64, convertedtype=DECIMAL, scale=8, precision=18, encoding=PLAIN_DICTIONARY"
	case kStr:
		t = "type=BYTE_ARRAY, convertedtype=UTF8, encoding=PLAIN_DICTIONARY"
	case kBool:
		t = "type=BOOLEAN, encoding=PLAIN"
	default:
		t = "type=BYTE_ARRAY, convertedtype=UTF8, encoding=PLAIN"
	}
	return t + ", repetitiontype=" + rep
}

func (k kind) isString() bool { return k == kStr || k == kText }

// column is one Parquet column of a record type: how to get and set it.
type column[T any] struct {
	name string
	kind kind
	// opt: OPTIONAL, a zero value is stored as null (record.Field.Null).
	opt bool
	// added: a column added to the dataset later (columnar.Codec.Added):
	// files written before it lack it, and read as null there.
	added  bool
	i64    func(*T) int64
	str    func(*T) string
	setI64 func(*T, int64)
	setStr func(*T, string)
	// checkStr refuses an unknown enum name (record.Field.CheckStr).
	checkStr func(string) error
}

// zero reports whether row holds the column's zero value (null when opt).
func (c *column[T]) zero(row *T) bool {
	if c.str != nil {
		return c.str(row) == ""
	}
	return c.i64(row) == 0
}

// columnOf is the Parquet column of one record table field: FieldID is
// kU64, FieldCount kI64, FieldTime kTS, FieldFixed kDec, FieldSymbol and
// FieldName kStr, FieldText kText, FieldBool kBool; OPTIONAL when the
// field stores zero as null.
func columnOf[T any](f *record.Field[T], added bool) column[T] {
	c := column[T]{name: f.Name, opt: f.Null, added: added, i64: f.Int, str: f.Str, setI64: f.SetInt, setStr: f.SetStr, checkStr: f.CheckStr}
	switch f.Type {
	case record.FieldID:
		c.kind = kU64
	case record.FieldCount:
		c.kind = kI64
	case record.FieldTime:
		c.kind = kTS
	case record.FieldFixed:
		c.kind = kDec
	case record.FieldSymbol, record.FieldName:
		c.kind = kStr
	case record.FieldText:
		c.kind = kText
	case record.FieldBool:
		c.kind = kBool
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
		cols = append(cols, columnOf(&c.Fields[i], c.Added(i)))
	}
	var b strings.Builder
	b.WriteString(`{"Tag":"name=bourse, repetitiontype=REQUIRED","Fields":[`)
	for i, col := range cols {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Tag":"name=%s, %s"}`, col.name, col.kind.tag(col.opt))
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
	// OrderLayout stores orders; expires_at 0 (never) is null, and so are
	// the exchange-rule fields an order does not set (post_only false).
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
	// StatusLayout stores trading phase changes.
	StatusLayout = newLayout(columnar.StatusCodec, func(r *record.Status, s string) { r.Instrument = s })
)
