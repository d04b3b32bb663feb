package columnar

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
)

// Dataset names one kind of output; it is also the top-level directory of
// its micro-batches and of its archive.
type Dataset string

// The datasets bourse stores.
const (
	Orders  Dataset = "orders"
	Trades  Dataset = "trades"
	Events  Dataset = "events"
	Bars    Dataset = "bars"
	SMAs    Dataset = "sma"
	Profits Dataset = "profit"
	Rejects Dataset = "rejects"
	Book    Dataset = "book" // match's book updates, one row per level change
)

// AllDatasets lists every dataset in a fixed order.
var AllDatasets = []Dataset{Orders, Trades, Events, Bars, SMAs, Profits, Rejects, Book}

// ParseDataset checks that s names a dataset.
func ParseDataset(s string) (Dataset, error) {
	for _, d := range AllDatasets {
		if string(d) == s {
			return d, nil
		}
	}
	return "", fmt.Errorf("unknown dataset %q (want one of %v)", s, AllDatasets)
}

// SrcOffsetColumn is the hidden micro-batch column holding the input offset
// that produced each row.
const SrcOffsetColumn = "_src_offset"

// Column types shared by every schema.
var (
	// TimestampType is timestamp[ms, tz=UTC].
	TimestampType = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	// DecimalType is decimal128(18, 8): a record.Fixed's unscaled int64.
	DecimalType = &arrow.Decimal128Type{Precision: 18, Scale: 8}
	// DictStringType is a dictionary-encoded UTF-8 string with int32 indices.
	DictStringType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
)

func ts(name string) arrow.Field   { return arrow.Field{Name: name, Type: TimestampType} }
func dec(name string) arrow.Field  { return arrow.Field{Name: name, Type: DecimalType} }
func dict(name string) arrow.Field { return arrow.Field{Name: name, Type: DictStringType} }
func str(name string) arrow.Field  { return arrow.Field{Name: name, Type: arrow.BinaryTypes.String} }
func u64(name string) arrow.Field  { return arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Uint64} }
func i64(name string) arrow.Field  { return arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Int64} }

func schemaOf(fields ...arrow.Field) *arrow.Schema {
	fields = append(fields, i64(SrcOffsetColumn))
	return arrow.NewSchema(fields, nil)
}

// The micro-batch schemas; each ends with SrcOffsetColumn. Column names are
// those of docs/CONTRACT.md.
var (
	OrderSchema = schemaOf(
		u64("id"), dict("instrument"), dict("txn_type"), dec("quantity"), dec("price"),
		ts("order_timestamp"), dict("order_type"), dict("time_in_force"),
		arrow.Field{Name: "expires_at", Type: TimestampType, Nullable: true},
		str("trader_id"), dict("action"))
	TradeSchema = schemaOf(
		u64("trade_id"), dict("instrument"), dec("price"), dec("quantity"),
		u64("buy_order_id"), u64("sell_order_id"), str("buy_trader_id"), str("sell_trader_id"),
		dict("aggressor"), ts("trade_timestamp"))
	EventSchema = schemaOf(
		dict("type"), u64("order_id"), dict("instrument"), str("trader_id"), dict("side"),
		dict("order_type"), dict("time_in_force"), dec("price"), dec("quantity"),
		dec("leaves_quantity"), dec("filled_quantity"), u64("trade_id"), dict("reason"),
		str("message"), str("raw"), ts("timestamp"))
	BarSchema = schemaOf(
		dict("instrument"), ts("bar_start"), ts("bar_end"), dec("open"), dec("high"),
		dec("low"), dec("close"), dec("volume"), dec("vwap"), i64("count"))
	SMASchema = schemaOf(
		dict("instrument"), ts("window_start"), ts("window_end"), dec("sma"), i64("bars"))
	ProfitSchema = schemaOf(
		dict("instrument"), ts("window_start"), ts("window_end"), dec("avg_open"),
		dec("avg_close"), dec("profit"), i64("rank"), i64("bars"))
	RejectSchema = schemaOf(
		str("source"), dict("reason"), str("message"), str("raw"))
)
