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
	// Statuses is match's trading phase changes (record.Status).
	Statuses Dataset = "status"
)

// AllDatasets lists every dataset in a fixed order.
var AllDatasets = []Dataset{Orders, Trades, Events, Bars, SMAs, Profits, Rejects, Book, Statuses}

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

func i64(name string) arrow.Field { return arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Int64} }

func schemaOf(fields ...arrow.Field) *arrow.Schema {
	fields = append(fields, i64(SrcOffsetColumn))
	return arrow.NewSchema(fields, nil)
}

// The micro-batch schemas, built from the record field tables; each ends
// with SrcOffsetColumn.
var (
	OrderSchema  = OrderCodec.Schema
	TradeSchema  = TradeCodec.Schema
	EventSchema  = EventCodec.Schema
	BarSchema    = BarCodec.Schema
	SMASchema    = SMACodec.Schema
	ProfitSchema = ProfitCodec.Schema
	RejectSchema = RejectCodec.Schema
	BookSchema   = BookCodec.Schema
	StatusSchema = StatusCodec.Schema
)
