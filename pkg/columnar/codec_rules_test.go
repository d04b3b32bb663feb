package columnar

import (
	"errors"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/bourse/bourse/pkg/record"
)

// TestOrderCodecRefusesRuleFields: an order that sets an exchange-rule
// field is refused, not archived without it; a plain order still appends.
func TestOrderCodecRefusesRuleFields(t *testing.T) {
	b := array.NewRecordBuilder(memory.DefaultAllocator, OrderCodec.Schema)
	defer b.Release()
	plain := record.Order{ID: 1, Instrument: "TCS", Side: record.Buy, Quantity: record.One, Price: record.One, Time: 1}
	if err := OrderCodec.Append(b, &plain, 0); err != nil {
		t.Fatalf("plain order: %v", err)
	}
	for _, set := range []func(*record.Order){
		func(o *record.Order) { o.StopPrice = record.One },
		func(o *record.Order) { o.Display = record.One },
		func(o *record.Order) { o.PostOnly = true },
		func(o *record.Order) { o.STP = record.STPCancelBoth },
	} {
		o := plain
		set(&o)
		if err := OrderCodec.Append(b, &o, 1); !errors.Is(err, ErrRuleFields) {
			t.Errorf("%+v: got %v, want ErrRuleFields", o, err)
		}
	}
	if n := b.Fields()[0].Len(); n != 1 {
		t.Errorf("%d rows appended, want 1", n)
	}
}
