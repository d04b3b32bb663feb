package flow

import (
	"bytes"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

func render(t *testing.T, cfg Config, n int) []byte {
	t.Helper()
	g, err := NewGenerator(cfg, record.DefaultInstruments())
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	var o record.Order
	for range n {
		g.Next(&o)
		out = record.AppendOrderJSON(out, &o)
		out = append(out, '\n')
	}
	return out
}

func TestGeneratorIsDeterministic(t *testing.T) {
	cfg := DefaultConfig()
	a, b := render(t, cfg, 5000), render(t, cfg, 5000)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed gave different orders")
	}
	cfg.Seed = 2
	if bytes.Equal(a, render(t, cfg, 5000)) {
		t.Fatal("different seeds gave the same orders")
	}
}

func TestGeneratedOrdersAreValidAndMixed(t *testing.T) {
	ins, err := record.NewInstruments(record.DefaultInstruments())
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(render(t, DefaultConfig(), 20000)), []byte("\n"))
	counts := map[string]int{}
	var last int64
	for i, l := range lines {
		var o record.Order
		if err := record.DecodeOrder(l, &o); err != nil {
			t.Fatalf("line %d %s: %v", i+1, l, err)
		}
		if o.Action != record.Cancel {
			if err := ins.Validate(&o); err != nil {
				t.Fatalf("line %d %s: %v", i+1, l, err)
			}
		}
		if o.Time < last {
			t.Fatalf("line %d: time went back from %d to %d", i+1, last, o.Time)
		}
		last = o.Time
		key := o.Action.String()
		if o.Action == record.New {
			key = o.Type.String() + "/" + o.TIF.String()
		}
		counts[key]++
		if o.ExpiresAt != 0 {
			counts["expiring"]++
		}
	}
	for _, k := range []string{"LIMIT/GTC", "LIMIT/IOC", "LIMIT/FOK", "MARKET/GTC", "CANCEL", "REPLACE", "expiring"} {
		if counts[k] == 0 {
			t.Errorf("no %s orders in 20000: %v", k, counts)
		}
	}
	if share := float64(counts["CANCEL"]) / float64(len(lines)); share < 0.15 || share > 0.30 {
		t.Errorf("cancel share %.2f, want about 0.22", share)
	}
}

func TestConfigValidate(t *testing.T) {
	bad := []Config{
		func() Config { c := DefaultConfig(); c.Mix = Mix{}; return c }(),
		func() Config { c := DefaultConfig(); c.Mix.Cancel = -1; return c }(),
		func() Config { c := DefaultConfig(); c.Traders = 0; return c }(),
		func() Config { c := DefaultConfig(); c.ExpiringPct = 101; return c }(),
	}
	for i, c := range bad {
		if c.Validate() == nil {
			t.Errorf("case %d: %+v validated", i, c)
		}
	}
}
