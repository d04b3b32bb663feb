package parquet_test

import (
	"bufio"
	"cmp"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

// testdata/orders-v1 was written by bourse 221f7b7, before the orders had
// exchange-rule columns: `bourse produce --count 24 --seed 3 --out
// orders.jsonl --batch-dir batches --batch-size 24`, then `bourse archive
// --batch-dir batches --archive-dir archive`.
const v1 = "testdata/orders-v1"

// TestReadOrdersWrittenBeforeRuleColumns: the micro-batch and the Parquet
// files of a bourse without the rule columns replay as the orders it
// produced, none of them setting a rule.
func TestReadOrdersWrittenBeforeRuleColumns(t *testing.T) {
	f, err := os.Open(filepath.Join(v1, "orders.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []record.Order
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var o record.Order
		if err := record.DecodeOrder(sc.Bytes(), &o); err != nil {
			t.Fatal(err)
		}
		want = append(want, o)
	}
	slices.SortStableFunc(want, byTime)
	if len(want) != 24 {
		t.Fatalf("%d orders in orders.jsonl", len(want))
	}
	for _, dir := range []string{"batches/orders", "archive/orders"} {
		var got []record.Order
		if err := parquet.ReadOrders(filepath.Join(v1, dir), func(o *record.Order) error {
			if o.UsesRules() {
				t.Errorf("%s: order %d sets a rule field: %+v", dir, o.ID, o)
			}
			got = append(got, *o)
			return nil
		}); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		slices.SortStableFunc(got, byTime) // the archive splits them by instrument
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d orders differ from orders.jsonl's %d", dir, len(got), len(want))
		}
	}
}

func byTime(a, b record.Order) int { return cmp.Compare(a.Time, b.Time) }
