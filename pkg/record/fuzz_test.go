package record

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func FuzzDecodeOrder(f *testing.F) {
	f.Add([]byte(tcsLine))
	f.Add([]byte(`{"id":"7.0","instrument":"T\u00e9S","trxn_type":"sell","quantity":"5","price":1e1,"order_timestamp":"2023-03-12T23:48:37.5+05:30","x":[1,{"a":null}],"trader_id":"\ud83d\ude00"}`))
	f.Add([]byte(`{"id":1,"instrument":"TCS","action":"CANCEL","order_timestamp":"1969/12/31, 23:59:59"}`))
	f.Add([]byte(`{"id":1,"instrument":"TCS","txn_type":"BUY","quantity":5,"order_type":"MARKET","time_in_force":"FOK","expires_at":"2023-03-12T23:48:37Z","order_timestamp":"2023/03/12, 23:48:37"}`))
	f.Add([]byte(`{"id":2,"instrument":"TCS","txn_type":"SELL","quantity":10,"price":15,"order_timestamp":"2023-03-12T23:48:37Z","stop_price":"14.5","display_quantity":2,"post_only":false,"stp":"cancel_both"}`))
	f.Add([]byte(`{"id":3,"instrument":"TCS","action":"cancel_all","trader_id":"a","post_only":true,"order_timestamp":"2023-03-12T23:48:37Z"}`))
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		f.Add(randomOrderLine(rng))
	}
	var d OrderDecoder
	f.Fuzz(func(t *testing.T, line []byte) {
		var o Order
		if err := d.Decode(line, &o); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			return
		}
		if !json.Valid(line) {
			t.Fatalf("accepted invalid JSON %q", line)
		}
		enc := AppendOrderJSON(nil, &o)
		var back Order
		if err := d.Decode(enc, &back); err != nil {
			t.Fatalf("re-encoded %s does not decode: %v", enc, err)
		}
		if back != o {
			t.Fatalf("round trip of %q via %s\ngot  %+v\nwant %+v", line, enc, back, o)
		}
	})
}

func FuzzDecodeTrade(f *testing.F) {
	f.Add(AppendTradeJSON(nil, &Trade{TradeID: 1, Instrument: "TCS", Price: 15 * One, Quantity: 5 * One, BuyOrderID: 2, SellOrderID: 3, BuyTrader: "A", SellTrader: "é", Aggressor: Buy, Time: t0}))
	f.Add([]byte(`{"trade_id":"1","instrument":"X","price":"1e2","quantity":0.5,"buy_order_id":7,"sell_order_id":"8","aggressor":"sell","trade_timestamp":"2023/03/12, 23:48:37","zz":[{}]}`))
	var d TradeDecoder
	f.Fuzz(func(t *testing.T, line []byte) {
		var tr Trade
		if err := d.Decode(line, &tr); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			return
		}
		if !json.Valid(line) {
			t.Fatalf("accepted invalid JSON %q", line)
		}
		enc := AppendTradeJSON(nil, &tr)
		var back Trade
		if err := d.Decode(enc, &back); err != nil || back != tr {
			t.Fatalf("round trip of %q via %s: %v\ngot  %+v\nwant %+v", line, enc, err, back, tr)
		}
	})
}

func FuzzParseFixed(f *testing.F) {
	for _, s := range []string{"15", "15.0", "-0.25", "1e3", "0.00000001", "92233720368.54775807", "-92233720368.54775808", "1.5e-8", "00.100e+2"} {
		f.Add([]byte(s), int64(0))
	}
	f.Add([]byte("x"), int64(-1<<63))
	f.Fuzz(func(t *testing.T, s []byte, n int64) {
		if v, err := ParseFixed(s); err == nil {
			txt := v.AppendText(nil)
			if back, err := ParseFixed(txt); err != nil || back != v {
				t.Fatalf("ParseFixed(%q) = %d; AppendText %q parses to %d, %v", s, v, txt, back, err)
			}
			if !json.Valid(txt) {
				t.Fatalf("AppendText(%d) = %q is not a JSON number", v, txt)
			}
		}
		txt := Fixed(n).AppendText(nil)
		if back, err := ParseFixed(txt); err != nil || back != Fixed(n) {
			t.Fatalf("AppendText(%d) = %q parses to %d, %v", n, txt, back, err)
		}
	})
}

// FuzzDecodeOutputs checks that the output decoders never panic and that
// what they accept re-encodes to something they decode to the same value.
func FuzzDecodeOutputs(f *testing.F) {
	f.Add([]byte(`{"type":"FILL","order_id":1,"instrument":"X","price":1.5,"timestamp":"2023-03-12T23:48:37Z"}`))
	f.Add([]byte(`{"instrument":"X","bar_start":"2023-03-12T23:48:00Z","bar_end":"2023-03-12T23:49:00Z","open":1,"count":3}`))
	f.Add([]byte(`{"instrument":"X","window_start":"2023-03-12T23:48:00Z","window_end":"2023-03-12T23:49:00Z","sma":1,"avg_open":2,"rank":1,"bars":2}`))
	f.Add([]byte(`{"source":"f:1","reason":"BAD_JSON","raw":"{\"x"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		var e, e2 Event
		if DecodeEvent(line, &e) == nil {
			if err := DecodeEvent(AppendEventJSON(nil, &e), &e2); err != nil || e != e2 {
				t.Fatalf("event %q: %v %+v %+v", line, err, e, e2)
			}
		}
		var b, b2 Bar
		if DecodeBar(line, &b) == nil {
			if err := DecodeBar(AppendBarJSON(nil, &b), &b2); err != nil || b != b2 {
				t.Fatalf("bar %q: %v %+v %+v", line, err, b, b2)
			}
		}
		var s, s2 SMA
		if DecodeSMA(line, &s) == nil {
			if err := DecodeSMA(AppendSMAJSON(nil, &s), &s2); err != nil || s != s2 {
				t.Fatalf("sma %q: %v %+v %+v", line, err, s, s2)
			}
		}
		var p, p2 Profit
		if DecodeProfit(line, &p) == nil {
			if err := DecodeProfit(AppendProfitJSON(nil, &p), &p2); err != nil || p != p2 {
				t.Fatalf("profit %q: %v %+v %+v", line, err, p, p2)
			}
		}
		var r, r2 Reject
		if DecodeReject(line, &r) == nil {
			if err := DecodeReject(AppendRejectJSON(nil, &r), &r2); err != nil || r != r2 {
				t.Fatalf("reject %q: %v %+v %+v", line, err, r, r2)
			}
		}
		var in, in2 Instrument
		if DecodeInstrument(line, &in) == nil {
			if err := DecodeInstrument(AppendInstrumentJSON(nil, &in), &in2); err != nil || in != in2 {
				t.Fatalf("instrument %q: %v %+v %+v", line, err, in, in2)
			}
		}
		_, _ = ParseInstruments(line)
	})
}
