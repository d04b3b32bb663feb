package window

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

func fx(s string) record.Fixed { return record.MustFixed(s) }

func tr(inst string, ms int64, price, qty string) record.Trade {
	return record.Trade{Instrument: inst, Time: ms, Price: fx(price), Quantity: fx(qty)}
}

func feed(t *testing.T, cfg Config, opt Options, trades ...record.Trade) (*Engine, *output) {
	t.Helper()
	e, err := New(cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	out := &output{}
	for i := range trades {
		e.Add(&trades[i], out)
	}
	return e, out
}

func TestConfigValidate(t *testing.T) {
	ok := DefaultConfig()
	if err := ok.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"zero bar", func(c *Config) { c.Bar = 0 }, "bar must be > 0"},
		{"zero slide", func(c *Config) { c.Slide = 0 }, "slide must be > 0"},
		{"window < slide", func(c *Config) { c.Window = c.Slide - c.Bar }, "must be >= slide"},
		{"window not multiple", func(c *Config) { c.Window += 1 }, "window (600001 ms) must be a multiple of bar (60000 ms)"},
		{"slide not multiple", func(c *Config) { c.Slide = 90 * Second }, "slide (90000 ms) must be a multiple of bar"},
		{"negative lateness", func(c *Config) { c.Lateness = -1 }, "lateness must be >= 0"},
		{"huge window", func(c *Config) { c.Window = MaxSpan + c.Bar }, "window must be <="},
		{"huge lateness", func(c *Config) { c.Lateness = MaxSpan + 1 }, "lateness must be <="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrConfig containing %q", err, tc.want)
			}
			if _, err := New(c, allOutputs); err == nil {
				t.Fatal("New accepted an invalid config")
			}
		})
	}
	c := DefaultConfig()
	c.Window, c.Slide, c.Bar = 3, 2, 1 // window need not be a multiple of slide
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestBarAlignment(t *testing.T) {
	cfg := DefaultConfig()
	e, out := feed(t, cfg, Options{Bars: true},
		tr("INFY", 0, "10", "1"),
		tr("INFY", 59_999, "11", "1"),
		tr("INFY", 60_000, "12", "1"),
		tr("INFY", 185_000, "13", "1"),
	)
	e.Flush(out)
	want := []struct{ start, end, count int64 }{{0, 60_000, 2}, {60_000, 120_000, 1}, {180_000, 240_000, 1}}
	if len(out.Bars) != len(want) {
		t.Fatalf("got %d bars %+v, want %d", len(out.Bars), out.Bars, len(want))
	}
	for i, w := range want {
		b := out.Bars[i]
		if b.Start != w.start || b.End != w.end || b.Count != w.count {
			t.Errorf("bar %d: got [%d,%d) count %d, want [%d,%d) count %d", i, b.Start, b.End, b.Count, w.start, w.end, w.count)
		}
	}
}

func TestBarOHLCVAndVWAP(t *testing.T) {
	tests := []struct {
		name   string
		trades []record.Trade
		want   record.Bar
	}{
		{"ohlcv", []record.Trade{
			tr("X", 1000, "10.00", "1"), tr("X", 2000, "12.50", "3"), tr("X", 3000, "9.75", "2"), tr("X", 4000, "11.00", "4"),
		}, record.Bar{Open: fx("10"), High: fx("12.5"), Low: fx("9.75"), Close: fx("11"), Volume: fx("10"),
			// (10 + 37.5 + 19.5 + 44) / 10 = 11.1
			VWAP: fx("11.1"), Count: 4}},
		{"vwap repeating decimal", []record.Trade{tr("X", 0, "10.00", "1"), tr("X", 1, "10.01", "2")},
			// 30.02 / 3 = 10.0066666666..
			record.Bar{Open: fx("10"), High: fx("10.01"), Low: fx("10"), Close: fx("10.01"), Volume: fx("3"), VWAP: fx("10.00666667"), Count: 2}},
		{"vwap half to even, up", []record.Trade{tr("X", 0, "0.00000001", "1"), tr("X", 1, "0.00000002", "1")},
			record.Bar{Open: fx("0.00000001"), High: fx("0.00000002"), Low: fx("0.00000001"), Close: fx("0.00000002"), Volume: fx("2"), VWAP: fx("0.00000002"), Count: 2}},
		{"vwap half to even, down", []record.Trade{tr("X", 0, "0.00000002", "1"), tr("X", 1, "0.00000003", "1")},
			record.Bar{Open: fx("0.00000002"), High: fx("0.00000003"), Low: fx("0.00000002"), Close: fx("0.00000003"), Volume: fx("2"), VWAP: fx("0.00000002"), Count: 2}},
		{"max values stay exact", []record.Trade{tr("X", 0, "1000000000", "1000000000"), tr("X", 1, "999999999.99999999", "1000000000")},
			record.Bar{Open: record.MaxValue, High: record.MaxValue, Low: fx("999999999.99999999"), Close: fx("999999999.99999999"), Volume: fx("2000000000"), VWAP: fx("999999999.99999999") + 0, Count: 2}},
		{"out of order within bar: open is earliest, close latest", []record.Trade{
			tr("X", 30, "2", "1"), tr("X", 10, "1", "1"), tr("X", 50, "3", "1"), tr("X", 50, "4", "1"), tr("X", 10, "5", "1"),
		}, record.Bar{Open: fx("1"), High: fx("5"), Low: fx("1"), Close: fx("4"), Volume: fx("5"), VWAP: fx("3"), Count: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, out := feed(t, DefaultConfig(), Options{Bars: true}, tc.trades...)
			e.Flush(out)
			if len(out.Bars) != 1 {
				t.Fatalf("got %d bars", len(out.Bars))
			}
			got := out.Bars[0]
			want := tc.want
			want.Instrument, want.Start, want.End = "X", 0, Minute
			if tc.name == "max values stay exact" {
				// (1e9*1e9 + (1e9-1e-8)*1e9) / 2e9 = 1e9 - 0.5e-8: half to even.
				want.VWAP = fx("1000000000")
			}
			if got != want {
				t.Fatalf("\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// smaKey lists the SMA windows as "start-end:bars".
func smaWindows(ss []record.SMA) map[int64]int64 {
	m := map[int64]int64{}
	for _, s := range ss {
		m[s.WindowStart] = s.Bars
	}
	return m
}

func TestWindowMembership(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		times []int64
		want  map[int64]int64 // window start -> bars
	}{
		{"defaults: every bar in two windows", DefaultConfig(), []int64{3 * Minute, 7 * Minute},
			map[int64]int64{-5 * Minute: 1, 0: 2, 5 * Minute: 1}},
		{"window end is exclusive", DefaultConfig(), []int64{10 * Minute},
			map[int64]int64{5 * Minute: 1, 10 * Minute: 1}},
		{"tumbling", Config{Bar: 1, Slide: 4, Window: 4}, []int64{0, 3, 4, 9},
			map[int64]int64{0: 2, 4: 1, 8: 1}},
		{"window not a multiple of slide", Config{Bar: 1, Slide: 2, Window: 3}, []int64{0, 1, 2},
			// k=-1 [-2,1): bar 0; k=0 [0,3): bars 0,1,2; k=1 [2,5): bar 2
			map[int64]int64{-2: 1, 0: 3, 2: 1}},
		{"three windows per bar", Config{Bar: 5, Slide: 5, Window: 15}, []int64{17},
			map[int64]int64{5: 1, 10: 1, 15: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var trades []record.Trade
			for _, ms := range tc.times {
				trades = append(trades, tr("X", ms, "1", "1"))
			}
			e, out := feed(t, tc.cfg, Options{SMA: true}, trades...)
			e.Flush(out)
			got := smaWindows(out.SMAs)
			if len(got) != len(tc.want) {
				t.Fatalf("got windows %v, want %v", got, tc.want)
			}
			for k, n := range tc.want {
				if got[k] != n {
					t.Fatalf("got windows %v, want %v", got, tc.want)
				}
			}
			for _, s := range out.SMAs {
				if s.WindowEnd-s.WindowStart != tc.cfg.Window {
					t.Fatalf("window %+v has the wrong length", s)
				}
			}
		})
	}
}

func TestSMAValue(t *testing.T) {
	// closes 10, 11, 12.00000001 in three bars of window [0,10m): mean
	// 11.000000003333.. -> 11.0
	e, out := feed(t, DefaultConfig(), Options{SMA: true},
		tr("X", 0, "10", "1"), tr("X", Minute, "11", "1"), tr("X", 2*Minute, "12.00000001", "1"))
	e.Flush(out)
	for _, s := range out.SMAs {
		if s.WindowStart == 0 && (s.SMA != fx("11") || s.Bars != 3) {
			t.Fatalf("got %+v", s)
		}
	}
}

func TestWatermarkClosesBarsAndWindows(t *testing.T) {
	cfg := Config{Bar: 10, Slide: 10, Window: 20, Lateness: 5}
	e, out := feed(t, cfg, allOutputs, tr("X", 3, "1", "1"), tr("X", 14, "2", "1"))
	if len(out.Bars) != 0 {
		t.Fatalf("bar [0,10) emitted at watermark 9: %+v", out.Bars)
	}
	tm := tr("X", 15, "3", "1") // watermark 10: closes bar [0,10) and window [-10,10)
	e.Add(&tm, out)
	if len(out.Bars) != 1 || out.Bars[0].Start != 0 {
		t.Fatalf("bars %+v", out.Bars)
	}
	if len(out.SMAs) != 1 || out.SMAs[0].WindowStart != -10 {
		t.Fatalf("smas %+v", out.SMAs)
	}
	if len(out.Profits) != 1 || out.Profits[0].Rank != 1 {
		t.Fatalf("profits %+v", out.Profits)
	}
	if wm, ok := e.Watermark("X"); !ok || wm != 10 {
		t.Fatalf("watermark %d %v", wm, ok)
	}
	// 12 is behind the watermark but in the open bar [10,20): mixed in.
	tm = tr("X", 12, "4", "1")
	e.Add(&tm, out)
	if e.Late() != 0 {
		t.Fatal("trade within lateness counted late")
	}
	e.Flush(out)
	if got := out.Bars[1]; got.Start != 10 || got.Count != 3 || got.Open != fx("4") || got.Close != fx("3") {
		t.Fatalf("bar [10,20) = %+v", got)
	}
	want := []string{"bar", "sma", "profit", "bar", "sma", "sma", "profit", "profit"}
	if strings.Join(out.Log, ",") != strings.Join(want, ",") {
		t.Fatalf("emission order %v, want %v", out.Log, want)
	}
}

func TestLateTrade(t *testing.T) {
	cfg := Config{Bar: 10, Slide: 10, Window: 10, Lateness: 5}
	e, out := feed(t, cfg, allOutputs,
		tr("X", 1, "1", "1"), tr("Y", 1, "1", "1"),
		tr("X", 25, "2", "1"), // watermark 20: closes [0,10) and [10,20)
		tr("X", 9, "9", "1"),  // in closed bar [0,10): late
		tr("X", 15, "9", "1"), // in [10,20), closed: late
		tr("X", 20, "3", "1"), // in open [20,30): fine
		tr("Y", 9, "5", "1"),  // Y's watermark is its own: fine
	)
	if e.Late() != 2 || e.LateFor("X") != 2 || e.LateFor("Y") != 0 {
		t.Fatalf("late %d, X %d, Y %d", e.Late(), e.LateFor("X"), e.LateFor("Y"))
	}
	if len(out.Rejects) != 2 {
		t.Fatalf("rejects %+v", out.Rejects)
	}
	for _, r := range out.Rejects {
		if r.Reason != record.ReasonLate || !strings.Contains(r.Message, "window already emitted") || r.Raw != "" {
			t.Fatalf("reject %+v", r)
		}
	}
	e.Flush(out)
	for _, b := range out.Bars {
		if b.Instrument == "X" && b.High == fx("9") {
			t.Fatalf("late trade mixed into %+v", b)
		}
		if b.Instrument == "Y" && (b.Count != 2 || b.Close != fx("5")) {
			t.Fatalf("Y bar %+v", b)
		}
	}
}

func TestInvalidTrades(t *testing.T) {
	tests := []struct {
		name   string
		trade  record.Trade
		reason string
	}{
		{"zero price", record.Trade{Instrument: "X", Price: 0, Quantity: record.One}, record.ReasonNonPositive},
		{"negative price", record.Trade{Instrument: "X", Price: -1, Quantity: record.One}, record.ReasonNonPositive},
		{"zero quantity", record.Trade{Instrument: "X", Price: record.One}, record.ReasonNonPositive},
		{"negative quantity", record.Trade{Instrument: "X", Price: record.One, Quantity: -5}, record.ReasonNonPositive},
		{"huge price", record.Trade{Instrument: "X", Price: record.MaxValue + 1, Quantity: record.One}, record.ReasonTooLarge},
		{"huge quantity", record.Trade{Instrument: "X", Price: record.One, Quantity: math.MaxInt64}, record.ReasonTooLarge},
		{"negative time", record.Trade{Instrument: "X", Price: record.One, Quantity: record.One, Time: -1}, record.ReasonBadTimestamp},
		{"time past MaxTime", record.Trade{Instrument: "X", Price: record.One, Quantity: record.One, Time: MaxTime + 1}, record.ReasonBadTimestamp},
		{"no instrument", record.Trade{Price: record.One, Quantity: record.One}, record.ReasonMissingField},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, out := feed(t, DefaultConfig(), allOutputs, tc.trade)
			if len(out.Rejects) != 1 || out.Rejects[0].Reason != tc.reason || out.Rejects[0].Message == "" {
				t.Fatalf("rejects %+v, want one %s", out.Rejects, tc.reason)
			}
			if e.Rejected() != 1 || e.Late() != 0 {
				t.Fatalf("rejected %d late %d", e.Rejected(), e.Late())
			}
			if _, known := e.Watermark(tc.trade.Instrument); known {
				t.Fatal("a rejected trade made its instrument known")
			}
			e.Flush(out)
			if len(out.Bars)+len(out.SMAs)+len(out.Profits) != 0 {
				t.Fatalf("rejected trade produced output %+v", out)
			}
		})
	}
}

func TestVolumeOverflowRejected(t *testing.T) {
	var trades []record.Trade
	for range 93 { // 93 * 1e17 > MaxInt64
		trades = append(trades, record.Trade{Instrument: "X", Price: record.One, Quantity: record.MaxValue})
	}
	e, out := feed(t, DefaultConfig(), Options{Bars: true}, trades...)
	if e.Rejected() != 1 || len(out.Rejects) != 1 || out.Rejects[0].Reason != record.ReasonTooLarge {
		t.Fatalf("rejected %d: %+v", e.Rejected(), out.Rejects)
	}
	e.Flush(out)
	if out.Bars[0].Count != 92 || out.Bars[0].VWAP != record.One {
		t.Fatalf("bar %+v", out.Bars[0])
	}
}

func TestFlushOrder(t *testing.T) {
	cfg := Config{Bar: 10, Slide: 10, Window: 20, Lateness: 20, Idle: -1}
	e, out := feed(t, cfg, allOutputs,
		tr("B", 5, "1", "1"), tr("A", 15, "1", "1"), tr("B", 16, "1", "1"), tr("C", 3, "1", "1"))
	if len(out.Log) != 0 {
		t.Fatalf("emitted before flush: %v", out.Log)
	}
	e.Flush(out)
	var bars, smas, profits []string
	for _, b := range out.Bars {
		bars = append(bars, b.Instrument+itoa(b.Start))
	}
	for _, s := range out.SMAs {
		smas = append(smas, s.Instrument+itoa(s.WindowStart))
	}
	for _, p := range out.Profits {
		profits = append(profits, p.Instrument+itoa(p.WindowStart))
	}
	check := func(what string, got []string, want string) {
		if strings.Join(got, " ") != want {
			t.Errorf("%s: got %q, want %q", what, strings.Join(got, " "), want)
		}
	}
	check("bars", bars, "B0 C0 A10 B10")
	check("smas", smas, "B-10 C-10 A0 B0 C0 A10 B10")
	check("profits", profits, "B-10 C-10 A0 B0 C0 A10 B10")
	// Flush ends the input: a trade before what it emitted is late.
	tm := tr("A", 19, "1", "1")
	e.Add(&tm, out)
	if e.Late() != 1 {
		t.Fatalf("trade after flush into flushed bar: late %d", e.Late())
	}
}

func itoa(v int64) string {
	if v < 0 {
		return "-" + itoa(-v)
	}
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa(v/10) + string(rune('0'+v%10))
}

func TestProfitRankWithTies(t *testing.T) {
	cfg := Config{Bar: 10, Slide: 10, Window: 10, Idle: -1}
	// One bar each in window [0,10): profit = close - open.
	e, out := feed(t, cfg, Options{Profit: true},
		tr("D", 1, "10", "1"), tr("D", 2, "11", "1"), // +1
		tr("C", 1, "10", "1"), tr("C", 2, "12", "1"), // +2
		tr("B", 1, "20", "1"), tr("B", 2, "21", "1"), // +1, ties D: B first
		tr("A", 1, "10", "1"), tr("A", 2, "9", "1"), // -1
	)
	e.Flush(out)
	want := map[string]struct {
		rank   int64
		profit string
	}{"A": {4, "-1"}, "B": {2, "1"}, "C": {1, "2"}, "D": {3, "1"}}
	if len(out.Profits) != 4 {
		t.Fatalf("profits %+v", out.Profits)
	}
	for i, p := range out.Profits {
		w := want[p.Instrument]
		if p.Rank != w.rank || p.Profit != fx(w.profit) || p.Bars != 1 {
			t.Errorf("%s: rank %d profit %s, want %d %s", p.Instrument, p.Rank, p.Profit, w.rank, w.profit)
		}
		if i > 0 && out.Profits[i-1].Instrument > p.Instrument {
			t.Errorf("profits not emitted by instrument: %+v", out.Profits)
		}
	}
}

func TestProfitExactFromSums(t *testing.T) {
	cfg := Config{Bar: 1, Slide: 3, Window: 3, Idle: -1}
	// X: opens 1, 1, 1.00000002; closes 1.00000001, 1.00000001, 1.00000002.
	// avg open 1.0000000066.. -> 1.00000001, avg close 1.0000000133.. ->
	// 1.00000001, but profit = 0.00000002/3 -> 0.00000001, not their
	// difference 0.
	e, out := feed(t, cfg, Options{Profit: true},
		tr("X", 0, "1", "1"), tr("X", 0, "1.00000001", "1"),
		tr("X", 1, "1", "1"), tr("X", 1, "1.00000001", "1"),
		tr("X", 2, "1.00000002", "1"),
		// Y: opens 1, 1.00000001; closes 1.00000001, 1.00000001 (window 3..6)
		tr("Y", 3, "1", "1"), tr("Y", 3, "1.00000001", "1"),
		tr("Y", 4, "1.00000001", "1"),
	)
	e.Flush(out)
	got := map[string]record.Profit{}
	for _, p := range out.Profits {
		got[p.Instrument] = p
	}
	if p := got["X"]; p.AvgOpen != fx("1.00000001") || p.AvgClose != fx("1.00000001") || p.Profit != fx("0.00000001") {
		t.Errorf("X %+v", p)
	}
	// Y: avg open 1.000000005 -> 1.0 (half to even), avg close 1.00000001,
	// profit exactly 0.000000005 -> 0.0 (half to even), not 0.00000001.
	if p := got["Y"]; p.AvgOpen != fx("1") || p.AvgClose != fx("1.00000001") || p.Profit != 0 {
		t.Errorf("Y %+v", p)
	}
}

func TestRankWaitsForAllInstruments(t *testing.T) {
	cfg := Config{Bar: 10, Slide: 10, Window: 10, Idle: -1}
	e, out := feed(t, cfg, Options{Profit: true},
		tr("A", 1, "1", "1"), tr("B", 2, "1", "1"),
		tr("A", 30, "1", "1")) // A closes [0,10), [10,20)... B has not
	if len(out.Profits) != 0 {
		t.Fatalf("ranked before B closed the window: %+v", out.Profits)
	}
	tm := tr("B", 10, "1", "1")
	e.Add(&tm, out)
	if len(out.Profits) != 2 || out.Profits[0].Instrument != "A" || out.Profits[1].Instrument != "B" || out.Profits[1].Rank == 0 {
		t.Fatalf("profits %+v", out.Profits)
	}
}

func TestIdleInstrument(t *testing.T) {
	cfg := Config{Bar: 10, Slide: 10, Window: 10, Idle: 20}
	e, out := feed(t, cfg, Options{Profit: true},
		tr("A", 1, "1", "1"), tr("B", 2, "1", "2"),
		tr("A", 25, "1", "1")) // A closed [0,10) and [10,20); B (wm 2) lags 23 > 20? no: 25-2 = 23 > 20: idle
	if len(out.Profits) != 1 || out.Profits[0].Instrument != "A" || out.Profits[0].Rank != 1 || out.Profits[0].WindowStart != 0 {
		t.Fatalf("A not ranked past idle B: %+v", out.Profits)
	}
	// B comes back and closes [0,10): it was ranked without B, so Rank 0.
	tm := tr("B", 12, "2", "1")
	e.Add(&tm, out)
	if len(out.Profits) != 2 || out.Profits[1].Instrument != "B" || out.Profits[1].Rank != 0 || e.Unranked() != 1 {
		t.Fatalf("straggler %+v, unranked %d", out.Profits, e.Unranked())
	}
	// A silent instrument within Idle holds the window back.
	e2, out2 := feed(t, cfg, Options{Profit: true},
		tr("A", 1, "1", "1"), tr("B", 2, "1", "2"), tr("A", 22, "1", "1"))
	if len(out2.Profits) != 0 {
		t.Fatalf("ranked while B lagged by only 20: %+v", out2.Profits)
	}
	// ... until the greatest watermark leaves it more than Idle behind.
	tm = tr("A", 23, "1", "1")
	e2.Add(&tm, out2)
	if len(out2.Profits) != 1 {
		t.Fatalf("not ranked once B lagged by 21: %+v", out2.Profits)
	}
	// Idle 0 means Window.
	if c := (Config{Bar: 1, Slide: 1, Window: 7}); c.idleLimit() != 7 {
		t.Fatalf("idle 0 -> %d", c.idleLimit())
	}
}

// A new instrument appearing behind a pending window holds it back.
func TestNewInstrumentHoldsRank(t *testing.T) {
	cfg := Config{Bar: 10, Slide: 10, Window: 10, Idle: 100}
	e, out := feed(t, cfg, Options{Profit: true},
		tr("A", 1, "1", "1"), tr("B", 2, "1", "1"), tr("A", 15, "1", "1"), tr("C", 5, "1", "1"))
	if len(out.Profits) != 0 {
		t.Fatalf("%+v", out.Profits)
	}
	for _, tm := range []record.Trade{tr("B", 11, "1", "1"), tr("C", 10, "1", "1")} {
		e.Add(&tm, out)
	}
	if len(out.Profits) != 3 {
		t.Fatalf("%+v", out.Profits)
	}
	for i, p := range out.Profits {
		if p.Rank < 1 || p.Instrument != string(rune('A'+i)) {
			t.Fatalf("%+v", out.Profits)
		}
	}
}

func TestOptionsSelectOutputs(t *testing.T) {
	trades := []record.Trade{tr("A", 1, "1", "1"), tr("A", 30*Minute, "2", "1")}
	for _, opt := range []Options{{}, {Bars: true}, {SMA: true}, {Profit: true}, allOutputs} {
		e, out := feed(t, DefaultConfig(), opt, trades...)
		e.Flush(out)
		if (len(out.Bars) > 0) != opt.Bars || (len(out.SMAs) > 0) != opt.SMA || (len(out.Profits) > 0) != opt.Profit {
			t.Errorf("options %+v: %d bars %d smas %d profits", opt, len(out.Bars), len(out.SMAs), len(out.Profits))
		}
	}
}
