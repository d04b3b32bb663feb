package parquet

import (
	"errors"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// TestReadRefusesUnknownEnum: an enum column of an archive file holding a
// name that is none of the enum's (a foreign or damaged file) is an
// ErrFile error naming the field and the value, not the zero value: an
// action "CANCLE" read as NEW would enter an order, a txn_type "HOLD" on a
// CANCEL_ALL would cancel both sides. Names in another case are read as
// the JSON decoder reads them.
func TestReadRefusesUnknownEnum(t *testing.T) {
	col := func(name string) column[record.Order] {
		for _, c := range OrderLayout.cols {
			if c.name == name {
				return c
			}
		}
		t.Fatalf("no column %s", name)
		return column[record.Order]{}
	}
	for _, c := range []struct{ column, value string }{
		{"action", "CANCLE"}, {"action", ""}, {"txn_type", "HOLD"}, {"time_in_force", "GTD"},
		{"order_type", "STOP"}, {"stp", "BOGUS"},
	} {
		var o record.Order
		err := set(&o, col(c.column), c.value)
		if !errors.Is(err, ErrFile) || !strings.Contains(err.Error(), "BAD_FIELD: "+c.column+": expected one of") ||
			!strings.Contains(err.Error(), `"`+c.value+`"`) {
			t.Errorf("%s %q: %v, want an ErrFile naming the field and the value", c.column, c.value, err)
		}
	}
	var o record.Order
	for _, c := range []struct{ column, value string }{
		{"action", "cancel_all"}, {"txn_type", "UNKNOWN"}, {"stp", "cancel_both"}, {"time_in_force", "DAY"},
	} {
		if err := set(&o, col(c.column), c.value); err != nil {
			t.Errorf("%s %q: %v", c.column, c.value, err)
		}
	}
	if want := (record.Order{Action: record.CancelAll, STP: record.STPCancelBoth, TIF: record.DAY}); o != want {
		t.Errorf("read %+v, want %+v", o, want)
	}
}
