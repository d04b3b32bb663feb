package window

import (
	"testing"
)

// TestExpectHoldsWindowsForUntradedInstruments: trades of A arrive long
// before those of B (as when Kafka partitions are consumed unevenly). With
// B expected, the window waits for B and both are ranked together, exactly
// as when the trades arrive in time order.
func TestExpectHoldsWindowsForUntradedInstruments(t *testing.T) {
	cfg := Config{Bar: 10, Slide: 10, Window: 10, Idle: -1}
	a := []int64{1, 15, 25, 35}
	e, err := New(cfg, Options{Profit: true})
	if err != nil {
		t.Fatal(err)
	}
	e.Expect("A", "B")
	out := &output{}
	for _, ms := range a {
		x := tr("A", ms, "10", "1")
		e.Add(&x, out)
	}
	if len(out.Profits) != 0 {
		t.Fatalf("windows ranked before the expected B traded: %+v", out.Profits)
	}
	// A snapshot taken now keeps B expected.
	snap := e.Snapshot(nil)
	e2, _ := New(cfg, Options{Profit: true})
	if err := e2.Restore(snap); err != nil {
		t.Fatal(err)
	}
	for _, eng := range []*Engine{e, e2} {
		o := &output{}
		for _, ms := range []int64{2, 12, 22} {
			x := tr("B", ms, "20", "1")
			x2 := tr("B", ms+1, "21", "1") // B gains 1 per bar, A nothing
			eng.Add(&x, o)
			eng.Add(&x2, o)
		}
		if len(o.Profits) != 4 { // windows [0,10) and [10,20), two instruments each
			t.Fatalf("got %d profit records, want 4: %+v", len(o.Profits), o.Profits)
		}
		for _, p := range o.Profits {
			want := int64(2)
			if p.Instrument == "B" {
				want = 1
			}
			if p.Rank != want {
				t.Errorf("%s window %d rank %d, want %d", p.Instrument, p.WindowStart, p.Rank, want)
			}
		}
	}
}

// TestExpectedButSilentIsIdle: with Idle set, an expected instrument that
// never trades does not hold windows forever.
func TestExpectedButSilentIsIdle(t *testing.T) {
	cfg := Config{Bar: 10, Slide: 10, Window: 10, Idle: 20}
	e, _ := New(cfg, Options{Profit: true})
	e.Expect("A", "Z")
	out := &output{}
	for _, ms := range []int64{1, 11, 21, 31, 41} {
		x := tr("A", ms, "10", "1")
		e.Add(&x, out)
	}
	if len(out.Profits) == 0 {
		t.Fatal("the silent expected instrument Z held every window")
	}
	for _, p := range out.Profits {
		if p.Instrument != "A" || p.Rank != 1 {
			t.Errorf("unexpected %+v", p)
		}
	}
}
