package record

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// edgeStrings are awkward string values every encoder must carry.
var edgeStrings = []string{"", "T-1", "trader é 😀 中文", "q\"uote\\back/slash", "ctl\x00\x01\x1f\t\n\r\x7f", "bad\xffutf8", "\u2028\u2029", strings.Repeat("x", 300)}

// clean is what an edge string decodes back to after encoding: invalid
// UTF-8 becomes U+FFFD.
func clean(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func TestAppendStringIsValidJSON(t *testing.T) {
	for _, s := range edgeStrings {
		b := appendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("appendString(%q) = %s: not JSON: %v", s, b, err)
		}
		if back != clean(s) {
			t.Errorf("appendString(%q) = %s, decodes to %q", s, b, back)
		}
	}
	if got := string(appendString(nil, "a\x01\"")); got != `"a\u0001\""` {
		t.Errorf("got %s", got)
	}
}

func TestContractFieldOrder(t *testing.T) {
	o := Order{ID: 7, Instrument: "TCS", Side: Sell, Quantity: 5 * One, Price: MustFixed("15.25"), Time: t0 + 123, ExpiresAt: t0 + 60000, TraderID: "T1", TIF: IOC, Action: Replace}
	tr := Trade{TradeID: 1, Instrument: "TCS", Price: 15 * One, Quantity: 5 * One, BuyOrderID: 2, SellOrderID: 3, BuyTrader: "A", SellTrader: "B", Aggressor: Buy, Time: t0}
	ev := Event{Type: PartialFill, OrderID: 2, Instrument: "TCS", TraderID: "A", Side: Buy, Price: 15 * One, Quantity: 2 * One, Leaves: 3 * One, Filled: 2 * One, TradeID: 1, Time: t0}
	rej := Event{Type: Rejected, Reason: ReasonBadJSON, Message: "m", Raw: "{", Time: 0}
	tests := []struct{ got, want string }{
		{string(AppendOrderJSON(nil, &o)), `{"id":7,"instrument":"TCS","txn_type":"SELL","quantity":5.0,"price":15.25,"order_timestamp":"2023-03-12T23:48:37.123Z","order_type":"LIMIT","time_in_force":"IOC","expires_at":"2023-03-12T23:49:37Z","trader_id":"T1","action":"REPLACE"}`},
		{string(AppendOrderJSON(nil, &Order{ID: 1, Instrument: "X", Action: Cancel, Time: 0})), `{"id":1,"instrument":"X","order_timestamp":"1970-01-01T00:00:00Z","order_type":"LIMIT","time_in_force":"GTC","action":"CANCEL"}`},
		{string(AppendTradeJSON(nil, &tr)), `{"trade_id":1,"instrument":"TCS","price":15.0,"quantity":5.0,"buy_order_id":2,"sell_order_id":3,"buy_trader_id":"A","sell_trader_id":"B","aggressor":"BUY","trade_timestamp":"2023-03-12T23:48:37Z"}`},
		{string(AppendEventJSON(nil, &ev)), `{"type":"PARTIAL_FILL","order_id":2,"instrument":"TCS","trader_id":"A","side":"BUY","order_type":"LIMIT","time_in_force":"GTC","price":15.0,"quantity":2.0,"leaves_quantity":3.0,"filled_quantity":2.0,"trade_id":1,"timestamp":"2023-03-12T23:48:37Z"}`},
		{string(AppendEventJSON(nil, &rej)), `{"type":"REJECTED","order_id":0,"instrument":"","order_type":"LIMIT","time_in_force":"GTC","price":0.0,"quantity":0.0,"leaves_quantity":0.0,"filled_quantity":0.0,"reason":"BAD_JSON","message":"m","raw":"{","timestamp":"1970-01-01T00:00:00Z"}`},
		{string(AppendBarJSON(nil, &Bar{Instrument: "TCS", Start: t0 - 37000, End: t0 + 23000, Open: One, High: 2 * One, Low: One / 2, Close: One, Volume: 10 * One, VWAP: MustFixed("1.23456789"), Count: 4})),
			`{"instrument":"TCS","bar_start":"2023-03-12T23:48:00Z","bar_end":"2023-03-12T23:49:00Z","open":1.0,"high":2.0,"low":0.5,"close":1.0,"volume":10.0,"vwap":1.23456789,"count":4}`},
		{string(AppendSMAJSON(nil, &SMA{Instrument: "TCS", WindowStart: 0, WindowEnd: 60000, SMA: One, Bars: 1})),
			`{"instrument":"TCS","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","sma":1.0,"bars":1}`},
		{string(AppendProfitJSON(nil, &Profit{Instrument: "TCS", WindowStart: 0, WindowEnd: 60000, AvgOpen: One, AvgClose: 2 * One, Profit: One, Rank: 1, Bars: 2})),
			`{"instrument":"TCS","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","avg_open":1.0,"avg_close":2.0,"profit":1.0,"rank":1,"bars":2}`},
		{string(AppendRejectJSON(nil, &Reject{Source: "f:1", Reason: ReasonBadJSON, Message: "m", Raw: "x"})), `{"source":"f:1","reason":"BAD_JSON","message":"m","raw":"x"}`},
		{string(AppendRejectJSON(nil, &Reject{Reason: ReasonOversize})), `{"reason":"OVERSIZE"}`},
		{string(AppendInstrumentJSON(nil, &Instrument{Symbol: "TCS", Name: "Tata", TickSize: One / 100, LotSize: One, RefPrice: 3500 * One})), `{"symbol":"TCS","name":"Tata","tick_size":0.01,"lot_size":1.0,"ref_price":3500.0}`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got  %s\nwant %s", tt.got, tt.want)
		}
		if !json.Valid([]byte(tt.got)) {
			t.Errorf("not valid JSON: %s", tt.got)
		}
	}
}

var edgeTimes = []int64{0, 1, -1, t0, t0 + 999, -86_400_000, -86_400_001, 86_399_999, 951_782_400_000, -62167219200000, 253402300799999}

var edgeFixed = []Fixed{1, One, MaxValue, MaxValue - 1, MustFixed("0.00000001"), MustFixed("123456.789")}

func TestOrderRoundTrip(t *testing.T) {
	var d OrderDecoder
	n := 0
	for _, tm := range edgeTimes {
		for _, f := range edgeFixed {
			for _, s := range edgeStrings {
				for _, act := range []Action{New, Cancel, Replace} {
					o := Order{ID: uint64(n%2)*(1<<62) + 1, Instrument: "TCS" + s, Side: Side(1 + n%2), Type: OrderType(n % 2), TIF: TimeInForce(n % 3), Action: act,
						Price: f, Quantity: edgeFixed[n%len(edgeFixed)], Time: tm, ExpiresAt: edgeTimes[n%len(edgeTimes)], TraderID: s}
					if o.Instrument == "TCS" && n%5 == 0 {
						o.ID = math.MaxInt64
					}
					n++
					line := AppendOrderJSON(nil, &o)
					var back Order
					if err := d.Decode(line, &back); err != nil {
						if len(line) > MaxLineBytes {
							continue
						}
						t.Fatalf("Decode(%s): %v", line, err)
					}
					o.Instrument, o.TraderID = clean(o.Instrument), clean(o.TraderID)
					if back != o {
						t.Fatalf("round trip of %s\ngot  %+v\nwant %+v", line, back, o)
					}
				}
			}
		}
	}
}

func TestTradeRoundTrip(t *testing.T) {
	for i, tm := range edgeTimes {
		for j, s := range edgeStrings {
			tr := Trade{TradeID: uint64(i*100 + j + 1), Instrument: "I" + s, Price: edgeFixed[j%len(edgeFixed)], Quantity: edgeFixed[i%len(edgeFixed)],
				BuyOrderID: math.MaxInt64, SellOrderID: 1, BuyTrader: s, SellTrader: clean(s) + "x", Aggressor: Side(j % 3), Time: tm}
			line := AppendTradeJSON(nil, &tr)
			var back Trade
			if err := DecodeTrade(line, &back); err != nil {
				t.Fatalf("DecodeTrade(%s): %v", line, err)
			}
			tr.Instrument, tr.BuyTrader = clean(tr.Instrument), clean(tr.BuyTrader)
			if back != tr {
				t.Fatalf("round trip of %s\ngot  %+v\nwant %+v", line, back, tr)
			}
		}
	}
}

func TestOutputRoundTrips(t *testing.T) {
	neg := MustFixed("-12.5")
	for i, tm := range edgeTimes {
		s := edgeStrings[i%len(edgeStrings)]
		f := edgeFixed[i%len(edgeFixed)]
		end := min(tm+60000, 253402300799999)

		ev := Event{Type: EventType(1 + i%8), OrderID: uint64(i), Instrument: "TCS", TraderID: s, Side: Side(i % 3), OrderType: OrderType(i % 2), TIF: TimeInForce(i % 3),
			Price: f, Quantity: MaxValue, Leaves: 0, Filled: f, TradeID: uint64(i % 2 * 9), Reason: ReasonOffTick, Message: s, Raw: s + `{"x":1}`, Time: tm}
		var ev2 Event
		if err := DecodeEvent(AppendEventJSON(nil, &ev), &ev2); err != nil {
			t.Fatal(err)
		}
		ev.TraderID, ev.Message, ev.Raw = clean(ev.TraderID), clean(ev.Message), clean(ev.Raw)
		if ev != ev2 {
			t.Errorf("event round trip\ngot  %+v\nwant %+v", ev2, ev)
		}

		bar := Bar{Instrument: "RIL", Start: tm, End: end, Open: f, High: MaxValue, Low: 1, Close: f, Volume: MaxValue, VWAP: f, Count: int64(i) * 1e12}
		var bar2 Bar
		if err := DecodeBar(AppendBarJSON(nil, &bar), &bar2); err != nil || bar != bar2 {
			t.Errorf("bar round trip: %v\ngot  %+v\nwant %+v", err, bar2, bar)
		}

		sma := SMA{Instrument: "INFY", WindowStart: tm, WindowEnd: end, SMA: f, Bars: math.MaxInt64}
		var sma2 SMA
		if err := DecodeSMA(AppendSMAJSON(nil, &sma), &sma2); err != nil || sma != sma2 {
			t.Errorf("sma round trip: %v\ngot  %+v\nwant %+v", err, sma2, sma)
		}

		p := Profit{Instrument: "ONGC", WindowStart: tm, WindowEnd: end, AvgOpen: f, AvgClose: 1, Profit: neg, Rank: int64(i + 1), Bars: 3}
		var p2 Profit
		if err := DecodeProfit(AppendProfitJSON(nil, &p), &p2); err != nil || p != p2 {
			t.Errorf("profit round trip: %v\ngot  %+v\nwant %+v", err, p2, p)
		}

		r := Reject{Source: "orders/0@" + s, Reason: ReasonBadJSON, Message: s, Raw: strings.Repeat(s, 300)}
		var r2 Reject
		if err := DecodeReject(AppendRejectJSON(nil, &r), &r2); err != nil {
			t.Fatal(err)
		}
		r.Source, r.Message, r.Raw = clean(r.Source), clean(r.Message), clean(r.Raw)
		if r != r2 {
			t.Errorf("reject round trip\ngot  %+v\nwant %+v", r2, r)
		}
	}
}

func TestOutputDecodersReject(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		reason string
	}{
		{"event without type", DecodeEvent([]byte(`{"order_id":1,"timestamp":"1970-01-01T00:00:00Z"}`), new(Event)), ReasonMissingField},
		{"event bad type", DecodeEvent([]byte(`{"type":"BOOM","timestamp":"1970-01-01T00:00:00Z"}`), new(Event)), ReasonBadField},
		{"event bad json", DecodeEvent([]byte(`{"type":"FILL"`), new(Event)), ReasonBadJSON},
		{"bar without start", DecodeBar([]byte(`{"instrument":"X","bar_end":"1970-01-01T00:00:00Z"}`), new(Bar)), ReasonMissingField},
		{"bar bad count", DecodeBar([]byte(`{"instrument":"X","bar_start":"1970-01-01T00:00:00Z","bar_end":"1970-01-01T00:00:00Z","count":-1}`), new(Bar)), ReasonNonPositive},
		{"sma bad time", DecodeSMA([]byte(`{"instrument":"X","window_start":5,"window_end":"1970-01-01T00:00:00Z"}`), new(SMA)), ReasonBadTimestamp},
		{"profit bad number", DecodeProfit([]byte(`{"instrument":"X","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:00Z","profit":"up"}`), new(Profit)), ReasonBadField},
		{"reject without reason", DecodeReject([]byte(`{"source":"x"}`), new(Reject)), ReasonMissingField},
		{"reject numeric raw", DecodeReject([]byte(`{"reason":"X","raw":1}`), new(Reject)), ReasonBadField},
		{"trade missing price", DecodeTrade([]byte(`{"trade_id":1,"instrument":"X","quantity":1,"trade_timestamp":"1970-01-01T00:00:00Z"}`), new(Trade)), ReasonMissingField},
		{"trade zero quantity", DecodeTrade([]byte(`{"trade_id":1,"instrument":"X","price":1,"quantity":0,"trade_timestamp":"1970-01-01T00:00:00Z"}`), new(Trade)), ReasonNonPositive},
		{"trade bad aggressor", DecodeTrade([]byte(`{"trade_id":1,"instrument":"X","price":1,"quantity":1,"aggressor":"BOTH","trade_timestamp":"1970-01-01T00:00:00Z"}`), new(Trade)), ReasonBadField},
		{"trade empty instrument", DecodeTrade([]byte(`{"trade_id":1,"instrument":"","price":1,"quantity":1,"buy_order_id":1,"sell_order_id":2,"trade_timestamp":"1970-01-01T00:00:00Z"}`), new(Trade)), ReasonBadField},
		{"trade duplicate", DecodeTrade([]byte(`{"trade_id":1,"trade_id":2}`), new(Trade)), ReasonBadField},
		{"trade oversize", DecodeTrade(make([]byte, MaxLineBytes+1), new(Trade)), ReasonOversize},
	}
	for _, tt := range tests {
		if got := ReasonOf(tt.err); tt.err == nil || got != tt.reason {
			t.Errorf("%s: err %v, want reason %s", tt.name, tt.err, tt.reason)
		}
	}
}

func TestEncodersZeroAllocs(t *testing.T) {
	o := Order{ID: 7, Instrument: "TCS", Side: Sell, Quantity: 5 * One, Price: 15 * One, Time: t0, TraderID: "é"}
	tr := Trade{TradeID: 1, Instrument: "TCS", Price: 15 * One, Quantity: 5 * One, BuyOrderID: 2, SellOrderID: 3, Aggressor: Buy, Time: t0}
	ev := Event{Type: Fill, Instrument: "TCS", Time: t0}
	buf := make([]byte, 0, 1024)
	allocs := testing.AllocsPerRun(100, func() {
		buf = AppendOrderJSON(buf[:0], &o)
		buf = AppendTradeJSON(buf[:0], &tr)
		buf = AppendEventJSON(buf[:0], &ev)
		buf = AppendBarJSON(buf[:0], &Bar{Instrument: "TCS"})
	})
	if allocs != 0 {
		t.Errorf("encoders allocate %.1f times per run, want 0", allocs)
	}
}
