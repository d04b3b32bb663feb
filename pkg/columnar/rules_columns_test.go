package columnar

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// ruleOrders are a plain order, one order per exchange-rule field and one
// with every rule field at the edge of decimal(18,8).
func ruleOrders() []record.Order {
	plain := record.Order{ID: 1, Instrument: "TCS", Side: record.Buy, Quantity: 10 * record.One, Price: record.One, Time: 1, TraderID: "a"}
	out := []record.Order{plain}
	for i, set := range []func(*record.Order){
		func(o *record.Order) { o.StopPrice = record.One },
		func(o *record.Order) { o.Display = 2 * record.One },
		func(o *record.Order) { o.PostOnly = true },
		func(o *record.Order) { o.STP = record.STPCancelBoth },
		func(o *record.Order) {
			o.StopPrice, o.Display, o.PostOnly, o.STP = record.MaxValue, 1, true, record.STPCancelOldest
		},
	} {
		o := plain
		o.ID = uint64(i + 2)
		set(&o)
		out = append(out, o)
	}
	return out
}

// TestOrderRuleColumns: the exchange-rule fields are the orders' last
// columns (before _src_offset), nullable, typed as the contract says; an
// order that sets none has nulls there, and every order decodes back to
// itself.
func TestOrderRuleColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	want := map[string]arrow.DataType{"stop_price": DecimalType, "display_quantity": DecimalType,
		"post_only": arrow.FixedWidthTypes.Boolean, "stp": DictStringType}
	fs := OrderSchema.Fields()
	n := len(record.OrderFields)
	if len(fs) != n+len(want)+1 || fs[len(fs)-1].Name != SrcOffsetColumn {
		t.Fatalf("orders schema %v", OrderSchema)
	}
	for i, f := range fs[n : n+len(want)] {
		if f.Name != record.OrderRuleFields[i].Name || !arrow.TypeEqual(f.Type, want[f.Name]) || !f.Nullable {
			t.Errorf("column %d: %s %s nullable=%v", n+i, f.Name, f.Type, f.Nullable)
		}
		if !OrderCodec.Added(n+i) || OrderCodec.Added(n-1) {
			t.Errorf("column %d: Added %v", n+i, OrderCodec.Added(n+i))
		}
	}
	orders := ruleOrders()
	b := array.NewRecordBuilder(mem, OrderSchema)
	defer b.Release()
	for i := range orders {
		if err := OrderCodec.Append(b, &orders[i], int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	for c := n; c < n+len(want); c++ {
		col := rec.Column(c)
		if !col.IsNull(0) {
			t.Errorf("%s: the plain order's value is not null", fs[c].Name)
		}
		if nulls := col.NullN(); nulls != 4 {
			t.Errorf("%s: %d nulls, want 4 (the plain order and three single-rule orders)", fs[c].Name, nulls)
		}
	}
	got, err := OrderCodec.Records(rec)
	if err != nil || !reflect.DeepEqual(got, orders) {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, orders)
	}
	o := orders[1]
	o.StopPrice = MaxDecimal + 1
	if err := OrderCodec.Append(b, &o, 9); !errors.Is(err, ErrDecimalRange) {
		t.Errorf("stop_price beyond decimal(18,8): %v", err)
	}
}

// oldOrderCodec is the orders codec as it was before the exchange-rule
// columns: record.OrderFields only.
var oldOrderCodec = withKeys(newCodec(Orders, record.OrderFields), OrderCodec.Time, OrderCodec.Key, OrderCodec.Instrument)

// TestReadOrdersWithoutRuleColumns: a micro-batch written with the schema
// of before the rule columns reads as the same orders, setting no rule;
// a missing column that was always there is still an ErrSchema error.
func TestReadOrdersWithoutRuleColumns(t *testing.T) {
	orders := ruleOrders()[:1]
	orders = append(orders, record.Order{ID: 9, Instrument: "RIL", Side: record.Sell, Type: record.Market, TIF: record.IOC,
		Quantity: record.One, Time: 2, ExpiresAt: 5})
	b := array.NewRecordBuilder(memory.DefaultAllocator, oldOrderCodec.Schema)
	defer b.Release()
	for i := range orders {
		if err := oldOrderCodec.Append(b, &orders[i], int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	if rec.Schema().HasField("stop_price") {
		t.Fatal("the old schema has rule columns")
	}
	w := &BatchWriter{mem: memory.DefaultAllocator}
	path := filepath.Join(t.TempDir(), "orders", "dt=1970-01-01", "produce-p0-1-2.arrow")
	os.MkdirAll(filepath.Dir(path), 0o755)
	if _, err := w.writeRecord(&seekBuffer{}, path, rec); err != nil {
		t.Fatal(err)
	}
	var got []record.Order
	err := ReadBatches(OrderCodec, filepath.Dir(filepath.Dir(path)), func(o *record.Order, _ int64) error {
		got = append(got, *o)
		return nil
	})
	if err != nil || !reflect.DeepEqual(got, orders) {
		t.Fatalf("old batch: %v\n got %+v\nwant %+v", err, got, orders)
	}
	// Without expires_at, a column orders always had, it is an error.
	var fs []arrow.Field
	var cs []arrow.Array
	for i, f := range rec.Schema().Fields() {
		if f.Name != "expires_at" {
			fs, cs = append(fs, f), append(cs, rec.Column(i))
		}
	}
	cut := array.NewRecord(arrow.NewSchema(fs, nil), cs, rec.NumRows())
	defer cut.Release()
	if _, err := OrderCodec.Records(cut); !errors.Is(err, ErrSchema) {
		t.Errorf("orders without expires_at: %v, want ErrSchema", err)
	}
}

// TestStatusDataset: the batch writer keeps match's status records in the
// status dataset, filed by the day of their time.
func TestStatusDataset(t *testing.T) {
	dir := t.TempDir()
	w, err := NewBatchWriter(dir, Statuses)
	if err != nil {
		t.Fatal(err)
	}
	day := int64(86_400_000)
	sts := []record.Status{{Instrument: "TCS", Phase: "PRE_OPEN", Time: day - 1}, {Instrument: "TCS", Phase: "HALTED", Time: day}, {Instrument: "RIL", Phase: "CLOSED", Time: day}}
	for i := range sts {
		w.SetOffset(int64(i))
		w.Emit(&sts[i])
		w.Emit(&record.Trade{TradeID: 1, Instrument: "TCS", Time: day})
	}
	if err := w.Flush(stream.Range{Source: "orders", First: 0, Last: 2}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"dt=1970-01-01", "dt=1970-01-02"} {
		if files, _ := filepath.Glob(filepath.Join(dir, "status", d, "*.arrow")); len(files) != 1 {
			t.Errorf("status/%s: %d files, want 1", d, len(files))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "trades")); !os.IsNotExist(err) {
		t.Errorf("trades written by a status-only writer: %v", err)
	}
	var got []record.Status
	if err := ReadBatches(StatusCodec, filepath.Join(dir, "status"), func(s *record.Status, _ int64) error {
		got = append(got, *s)
		return nil
	}); err != nil || !reflect.DeepEqual(got, sts) {
		t.Fatalf("status rows: %v\n got %+v\nwant %+v", err, got, sts)
	}
	if got := columnNames(StatusSchema); !reflect.DeepEqual(got, []string{"instrument", "phase", "time", SrcOffsetColumn}) {
		t.Errorf("status columns %v", got)
	}
}

// columnNames lists a schema's column names.
func columnNames(s *arrow.Schema) []string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name
	}
	return out
}

// TestDecodeRefusesUnknownEnum: a micro-batch whose action column holds a
// name that is no action is an error naming the column, the row and the
// value, not a NEW order.
func TestDecodeRefusesUnknownEnum(t *testing.T) {
	o := ruleOrders()[1]
	b := array.NewRecordBuilder(memory.DefaultAllocator, OrderSchema)
	defer b.Release()
	if err := OrderCodec.Append(b, &o, 1); err != nil {
		t.Fatal(err)
	}
	rec := b.NewRecord()
	defer rec.Release()
	i := rec.Schema().FieldIndices("action")[0]
	db := array.NewDictionaryBuilder(memory.DefaultAllocator, OrderSchema.Field(i).Type.(*arrow.DictionaryType)).(*array.BinaryDictionaryBuilder)
	defer db.Release()
	if err := db.AppendString("CANCLE"); err != nil {
		t.Fatal(err)
	}
	action := db.NewArray()
	defer action.Release()
	cols := append([]arrow.Array(nil), rec.Columns()...)
	cols[i] = action
	bad := array.NewRecord(OrderSchema, cols, 1)
	defer bad.Release()
	if _, err := OrderCodec.Records(bad); err == nil || !strings.Contains(err.Error(), `"action" row 0: BAD_FIELD: action: expected one of NEW, CANCEL, REPLACE, CANCEL_ALL, got "CANCLE"`) {
		t.Fatalf("action CANCLE: %v", err)
	}
}
