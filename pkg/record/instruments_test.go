package record

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultInstrumentsAreValid(t *testing.T) {
	s, err := NewInstruments(DefaultInstruments())
	if err != nil {
		t.Fatal(err)
	}
	list := s.List()
	if len(list) != 4 || list[0].Symbol != "INFY" || list[3].Symbol != "TCS" || s.Len() != 4 {
		t.Errorf("List() = %+v", list)
	}
	in, ok := s.Lookup("TCS")
	if !ok || in.RefPrice != 3500*One {
		t.Errorf("Lookup(TCS) = %+v, %v", in, ok)
	}
	if _, ok := s.Lookup("tcs"); ok {
		t.Error("Lookup is case-sensitive: tcs should not be found")
	}
}

func TestNewInstrumentsRejects(t *testing.T) {
	good := Instrument{Symbol: "TCS", TickSize: One / 100, LotSize: One, RefPrice: 3500 * One}
	mod := func(f func(in *Instrument)) []Instrument { in := good; f(&in); return []Instrument{in} }
	tests := []struct {
		name string
		list []Instrument
		want string
	}{
		{"empty list", nil, "at least one"},
		{"empty symbol", mod(func(in *Instrument) { in.Symbol = "" }), "symbol"},
		{"lower-case symbol", mod(func(in *Instrument) { in.Symbol = "tcs" }), "symbol"},
		{"symbol with space", mod(func(in *Instrument) { in.Symbol = "T CS" }), "symbol"},
		{"symbol starting with dash", mod(func(in *Instrument) { in.Symbol = "-TCS" }), "symbol"},
		{"long symbol", mod(func(in *Instrument) { in.Symbol = strings.Repeat("A", 33) }), "symbol"},
		{"zero tick", mod(func(in *Instrument) { in.TickSize = 0 }), "NON_POSITIVE: tick_size"},
		{"negative lot", mod(func(in *Instrument) { in.LotSize = -One }), "NON_POSITIVE: lot_size"},
		{"zero ref price", mod(func(in *Instrument) { in.RefPrice = 0 }), "NON_POSITIVE: ref_price"},
		{"huge ref price", mod(func(in *Instrument) { in.RefPrice = MaxValue + One }), "TOO_LARGE: ref_price"},
		{"ref price off tick", mod(func(in *Instrument) { in.RefPrice = MustFixed("3500.005") }), "OFF_TICK: ref_price"},
		{"duplicate", []Instrument{good, good}, "unique"},
	}
	for _, tt := range tests {
		_, err := NewInstruments(tt.list)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
	if _, err := NewInstruments(mod(func(in *Instrument) { in.Symbol = "M&M" })); err != nil {
		t.Errorf("M&M should be a valid symbol: %v", err)
	}
}

func TestValidate(t *testing.T) {
	s, err := NewInstruments([]Instrument{
		{Symbol: "TCS", TickSize: MustFixed("0.05"), LotSize: 5 * One, RefPrice: 3500 * One},
		{Symbol: "BTC", TickSize: One, LotSize: MustFixed("0.001"), RefPrice: 30000 * One},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		o           Order
		reason      string
		ticks, lots int64
	}{
		{Order{Instrument: "TCS", Price: MustFixed("15.05"), Quantity: 10 * One}, "", 301, 2},
		{Order{Instrument: "TCS", Quantity: 5 * One, Type: Market}, "", 0, 1},
		{Order{Instrument: "TCS", Action: Cancel}, "", 0, 0},
		{Order{Instrument: "BTC", Price: 30001 * One, Quantity: MustFixed("0.123")}, "", 30001, 123},
		{Order{Instrument: "TCS", Price: MustFixed("15.07"), Quantity: 5 * One}, ReasonOffTick, 0, 0},
		{Order{Instrument: "TCS", Price: 15 * One, Quantity: 7 * One}, ReasonOffLot, 0, 0},
		{Order{Instrument: "BTC", Price: MustFixed("30000.5"), Quantity: One}, ReasonOffTick, 0, 0},
		{Order{Instrument: "INFY", Price: 15 * One, Quantity: One}, ReasonUnknownInstrument, 0, 0},
	}
	for _, tt := range tests {
		o := tt.o
		err := s.Validate(&o)
		if tt.reason == "" {
			if err != nil || o.Ticks != tt.ticks || o.Lots != tt.lots {
				t.Errorf("Validate(%+v) = %v, ticks %d lots %d; want ticks %d lots %d", tt.o, err, o.Ticks, o.Lots, tt.ticks, tt.lots)
			}
			continue
		}
		if ReasonOf(err) != tt.reason || err == nil {
			t.Errorf("Validate(%+v) = %v, want reason %s", tt.o, err, tt.reason)
		}
	}
	o := Order{Instrument: "TCS", Price: MustFixed("15.07"), Quantity: 5 * One}
	if err := s.Validate(&o); !strings.Contains(err.Error(), "price: expected a multiple of the tick size 0.05 of TCS, got 15.07") {
		t.Errorf("message: %v", err)
	}
	var d OrderDecoder
	line := []byte(`{"id":1,"instrument":"TCS","txn_type":"BUY","quantity":10,"price":15.05,"order_timestamp":"2023/03/12, 23:48:37"}`)
	allocs := testing.AllocsPerRun(100, func() {
		if err := d.Decode(line, &o); err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(&o); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("decode+validate allocates %.1f times, want 0", allocs)
	}
}

const instrumentsCSV = "\ufeffref_price, symbol,lot_size,tick_size,name,sector\n" +
	"3500.00,TCS,1,0.05,\"Tata Consultancy Services, Ltd\",IT\n" +
	"\n" +
	"1500,INFY,1,0.01,Infosys,IT\n"

const instrumentsJSON = `[
 {"symbol":"TCS","name":"Tata Consultancy Services, Ltd","tick_size":0.05,"lot_size":"1","ref_price":3500.00,"sector":"IT"},
 {"symbol":"INFY","name":"Infosys","tick_size":"0.01","lot_size":1,"ref_price":1500}
]`

func TestParseInstrumentsFormats(t *testing.T) {
	want := []Instrument{
		{Symbol: "INFY", Name: "Infosys", TickSize: One / 100, LotSize: One, RefPrice: 1500 * One},
		{Symbol: "TCS", Name: "Tata Consultancy Services, Ltd", TickSize: One / 20, LotSize: One, RefPrice: 3500 * One},
	}
	var lines []byte
	for i := range want {
		lines = append(AppendInstrumentJSON(lines, &want[i]), '\n')
	}
	for name, data := range map[string]string{"csv": instrumentsCSV, "json": instrumentsJSON, "jsonl": string(lines)} {
		s, err := ParseInstruments([]byte(data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got := s.List()
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("%s: got %+v", name, got)
		}
	}
}

func TestParseInstrumentsErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"empty", "", "header"},
		{"missing column", "symbol,tick_size,lot_size\nTCS,0.01,1\n", "ref_price column"},
		{"bad number", "symbol,tick_size,lot_size,ref_price\nTCS,0.01,1,abc\n", `line 2: BAD_FIELD: ref_price: expected a decimal number, got "abc"`},
		{"empty cell", "symbol,tick_size,lot_size,ref_price\nTCS,,1,5\n", "line 2: MISSING_FIELD: tick_size"},
		{"off tick", "symbol,tick_size,lot_size,ref_price\nTCS,0.05,1,5.01\n", "OFF_TICK"},
		{"duplicate", "symbol,tick_size,lot_size,ref_price\nTCS,0.05,1,5\nTCS,0.05,1,5\n", "unique"},
		{"duplicate column", "symbol,tick_size,lot_size,ref_price,band_pct,band_pct\nTCS,0.05,1,5,5,50\n", `header: expected each column once, got "band_pct" twice`},
		{"duplicate column in another case", "symbol,tick_size,lot_size,ref_price,halt_pct,halt_for,HALT_FOR\nTCS,0.05,1,5,5,60,600\n", `header: expected each column once, got "halt_for" twice`},
		{"json element", `[{"symbol":"TCS","tick_size":0.01,"lot_size":1}]`, "element 1: MISSING_FIELD: ref_price"},
		{"json syntax", `[{"symbol":"TCS","tick_size":0.01,"lot_size":1,"ref_price":1} {}]`, "BAD_JSON"},
		{"json trailing", `[] x`, "BAD_JSON"},
		{"json empty", `[]`, "at least one"},
		{"jsonl line", "{\"symbol\":\"TCS\",\"tick_size\":0.01,\"lot_size\":1,\"ref_price\":1}\n{\"symbol\":\"tcs\"}\n", "line 2:"},
	}
	if _, err := ParseInstruments([]byte("symbol,tick_size,lot_size,ref_price,,\nTCS,0.05,1,5,,\n")); err != nil {
		t.Errorf("empty columns (a spreadsheet's trailing commas): %v", err)
	}
	for _, tt := range tests {
		_, err := ParseInstruments([]byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestLoadInstruments(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, p := range []string{write("a.csv", instrumentsCSV), write("a.json", instrumentsJSON), write("a.ref", instrumentsJSON), write("b.txt", instrumentsCSV)} {
		s, err := LoadInstruments(p)
		if err != nil || s.Len() != 2 {
			t.Errorf("LoadInstruments(%s) = %v", p, err)
		}
	}
	// The extension wins over content: JSON text in a .csv file is CSV.
	if _, err := LoadInstruments(write("wrong.csv", instrumentsJSON)); err == nil || !strings.Contains(err.Error(), "wrong.csv") {
		t.Errorf("JSON in a .csv file: err = %v", err)
	}
	if _, err := LoadInstruments(filepath.Join(dir, "nope.csv")); err == nil {
		t.Error("missing file: want an error")
	}
}

func TestDecodeInstrument(t *testing.T) {
	in := Instrument{Symbol: "M&M", Name: "Mahindra \"&\" Mahindra é", TickSize: One / 20, LotSize: MustFixed("0.5"), RefPrice: MaxValue}
	var back Instrument
	if err := DecodeInstrument(AppendInstrumentJSON(nil, &in), &back); err != nil || back != in {
		t.Errorf("round trip: %v, %+v", err, back)
	}
	if err := DecodeInstrument([]byte(`{"symbol":"TCS","tick_size":0,"lot_size":1,"ref_price":1}`), &back); ReasonOf(err) != ReasonNonPositive || back != (Instrument{}) {
		t.Errorf("zero tick: %v %+v", err, back)
	}
}
