package record

import (
	"strings"
	"testing"
)

// TestInstrumentHaltWindow: halt_window in CSV and JSON, with halt_pct and
// halt_for only, 1 to 86400 seconds, with halt_for's error reasons; its
// JSON encoding round-trips.
func TestInstrumentHaltWindow(t *testing.T) {
	const header = "symbol,tick_size,lot_size,ref_price,halt_pct,halt_for,halt_window\n"
	const obj = `{"symbol":"TCS","tick_size":0.05,"lot_size":1,"ref_price":3500`
	for _, data := range []string{header + "TCS,0.05,1,3500,2.5,300,60\n", obj + `,"halt_pct":2.5,"halt_for":300,"halt_window":60}` + "\n"} {
		s, err := ParseInstruments([]byte(data))
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		in, _ := s.Lookup("TCS")
		if in.HaltWindow != 60 || in.HaltFor != 300 || in.HaltBP() != 250 {
			t.Fatalf("%s: %+v", data, in)
		}
		var back Instrument
		enc := AppendInstrumentJSON(nil, in)
		if err := DecodeInstrument(enc, &back); err != nil || back != *in {
			t.Fatalf("round trip of %s: %+v, %v", enc, back, err)
		}
	}
	for _, tt := range []struct{ name, data, want string }{
		{"csv too long", header + "TCS,0.05,1,3500,2.5,300,86401\n", "line 2: BAD_FIELD: halt_window: expected 1 to 86400 seconds, got 86401"},
		{"csv negative", header + "TCS,0.05,1,3500,2.5,300,-5\n", "line 2: NON_POSITIVE: halt_window"},
		{"csv not a number", header + "TCS,0.05,1,3500,2.5,300,1m\n", `line 2: BAD_FIELD: halt_window: expected a whole number, got "1m"`},
		{"csv without halts", header + "TCS,0.05,1,3500,,,60\n", "line 2: MISSING_FIELD: halt_pct: expected a percentage from 0.01 to 99.99 with halt_window, got nothing"},
		{"csv without halt_for", header + "TCS,0.05,1,3500,2.5,,60\n", "line 2: MISSING_FIELD: halt_for"},
		{"json too long", obj + `,"halt_pct":2.5,"halt_for":300,"halt_window":86401}`, "BAD_FIELD: halt_window: expected 1 to 86400 seconds, got 86401"},
		{"json without halts", obj + `,"halt_window":60}`, "MISSING_FIELD: halt_pct: expected a percentage from 0.01 to 99.99 with halt_window"},
		{"json string", obj + `,"halt_pct":2.5,"halt_for":300,"halt_window":"x"}`, "BAD_FIELD: halt_window"},
	} {
		_, err := ParseInstruments([]byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	if _, err := ParseInstruments([]byte(header + "TCS,0.05,1,3500,2.5,300,86400\n")); err != nil {
		t.Errorf("a window of a day: %v", err)
	}
}
