package record

import (
	"errors"
	"strings"
	"testing"
)

const tcsLine = `{"id": 1000001, "instrument": "TCS", "txn_type": "BUY", "quantity": 5.0, "price": 15.0, "order_timestamp": "2023/03/12, 23:48:37"}`

const t0 = 1678664917000 // 2023-03-12T23:48:37Z

func TestDecodeOrderAccepts(t *testing.T) {
	base := Order{ID: 1000001, Instrument: "TCS", Side: Buy, Quantity: 5 * One, Price: 15 * One, Time: t0}
	with := func(f func(o *Order)) Order { o := base; f(&o); return o }
	tests := []struct {
		name string
		line string
		want Order
	}{
		{"sample", tcsLine, base},
		{"compact any key order", `{"order_timestamp":"2023-03-12T23:48:37Z","price":15,"quantity":5,"txn_type":"BUY","instrument":"TCS","id":1000001}`, base},
		{"whitespace everywhere", " \t{ \"id\" : 1000001 ,\n\"instrument\":\"TCS\",\r\n\"txn_type\":\"BUY\",\"quantity\":5,\"price\":15,\"order_timestamp\":\"2023/03/12, 23:48:37\" } \r\n", base},
		{"trxn_type alias", strings.Replace(tcsLine, "txn_type", "trxn_type", 1), base},
		{"side lower case", strings.Replace(tcsLine, `"BUY"`, `"sell"`, 1), with(func(o *Order) { o.Side = Sell })},
		{"numeric strings", `{"id":"1000001","instrument":"TCS","txn_type":"BUY","quantity":"5.0","price":"15.00","order_timestamp":"2023/03/12, 23:48:37"}`, base},
		{"id 7.0", strings.Replace(tcsLine, "1000001", "1000001.0", 1), base},
		{"exponent numbers", strings.Replace(strings.Replace(tcsLine, "5.0", "0.5e1", 1), "15.0", "1.5E+1", 1), base},
		{"exact decimals", strings.Replace(tcsLine, "15.0", "0.10000001", 1), with(func(o *Order) { o.Price = 10000001 })},
		{"max value", strings.Replace(tcsLine, "15.0", "1000000000", 1), with(func(o *Order) { o.Price = MaxValue })},
		{"max id", strings.Replace(tcsLine, "1000001", "9223372036854775807", 1), with(func(o *Order) { o.ID = 1<<63 - 1 })},
		{"rfc3339 offset", strings.Replace(tcsLine, "2023/03/12, 23:48:37", "2023-03-13T05:18:37.250+05:30", 1), with(func(o *Order) { o.Time = t0 + 250 })},
		{"all optional fields", `{"id":1,"instrument":"TCS","txn_type":"SELL","quantity":5,"price":15,"order_timestamp":"2023/03/12, 23:48:37","order_type":"limit","time_in_force":"ioc","expires_at":"2023-03-12T23:49:37Z","trader_id":"T-7","action":"New"}`,
			Order{ID: 1, Instrument: "TCS", Side: Sell, Quantity: 5 * One, Price: 15 * One, Time: t0, TIF: IOC, ExpiresAt: t0 + 60000, TraderID: "T-7"}},
		{"market without price", `{"id":1,"instrument":"TCS","txn_type":"BUY","quantity":5,"order_type":"MARKET","time_in_force":"FOK","order_timestamp":"2023/03/12, 23:48:37"}`,
			Order{ID: 1, Instrument: "TCS", Side: Buy, Quantity: 5 * One, Type: Market, TIF: FOK, Time: t0}},
		{"day", strings.Replace(tcsLine, `"order_timestamp"`, `"time_in_force":"day","order_timestamp"`, 1), with(func(o *Order) { o.TIF = DAY })},
		{"cancel without side or quantity", `{"id":1,"instrument":"TCS","action":"cancel","order_timestamp":"2023/03/12, 23:48:37"}`,
			Order{ID: 1, Instrument: "TCS", Action: Cancel, Time: t0}},
		{"replace price only", `{"id":1,"instrument":"TCS","txn_type":"BUY","action":"REPLACE","price":16,"order_timestamp":"2023/03/12, 23:48:37"}`,
			Order{ID: 1, Instrument: "TCS", Side: Buy, Action: Replace, Price: 16 * One, Time: t0}},
		{"null is absent", `{"id":1,"instrument":"TCS","txn_type":"BUY","quantity":5,"price":15,"order_timestamp":"2023/03/12, 23:48:37","trader_id":null,"expires_at":null,"order_type":null}`,
			Order{ID: 1, Instrument: "TCS", Side: Buy, Quantity: 5 * One, Price: 15 * One, Time: t0}},
		{"unknown keys of every kind", `{"x":{"a":[1,2,{"b":"\u00e9\"}"}],"c":null},"id":1000001,"y":[],"z":true,"w":-1.5e-3,"v":"s","instrument":"TCS","txn_type":"BUY","quantity":5,"price":15,"order_timestamp":"2023/03/12, 23:48:37","u":{}}`, base},
		{"escapes and unicode trader", `{"id":1000001,"instrument":"T\u0043S","txn_type":"BUY","quantity":5,"price":15,"order_timestamp":"2023/03/12, 23:48:37","trader_id":"\"q\"\\\/\n\u00e9\ud83d\ude00é"}`,
			with(func(o *Order) { o.TraderID = "\"q\"\\/\né😀é" })},
		{"lone surrogate becomes U+FFFD", `{"id":1000001,"instrument":"TCS","txn_type":"BUY","quantity":5,"price":15,"order_timestamp":"2023/03/12, 23:48:37","trader_id":"a\ud800b\udc00"}`,
			with(func(o *Order) { o.TraderID = "a\uFFFDb\uFFFD" })},
		{"pre-1970 timestamp", strings.Replace(tcsLine, "2023/03/12, 23:48:37", "1969/12/31, 23:59:59", 1), with(func(o *Order) { o.Time = -1000 })},
	}
	var d OrderDecoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o Order
			if err := d.Decode([]byte(tt.line), &o); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if o != tt.want {
				t.Errorf("got  %+v\nwant %+v", o, tt.want)
			}
		})
	}
}

// TestDecodeOrderRules: the exchange rules' fields and CANCEL_ALL decode,
// and encode back to the same order.
func TestDecodeOrderRules(t *testing.T) {
	for _, c := range []struct {
		line string
		want Order
	}{
		{`{"id":1,"instrument":"TCS","txn_type":"BUY","quantity":10,"price":15,"order_timestamp":"2023/03/12, 23:48:37","stop_price":"14.5","display_quantity":2,"post_only":true,"stp":"cancel_oldest"}`,
			Order{ID: 1, Instrument: "TCS", Side: Buy, Quantity: 10 * One, Price: 15 * One, Time: t0,
				StopPrice: MustFixed("14.5"), Display: 2 * One, PostOnly: true, STP: STPCancelOldest}},
		{`{"id":2,"instrument":"TCS","action":"Cancel_All","trader_id":"a","order_timestamp":"2023/03/12, 23:48:37","post_only":false}`,
			Order{ID: 2, Instrument: "TCS", Action: CancelAll, TraderID: "a", Time: t0}},
		{`{"id":3,"instrument":"TCS","action":"CANCEL_ALL","txn_type":"SELL","trader_id":"a","order_timestamp":"2023/03/12, 23:48:37","stp":null}`,
			Order{ID: 3, Instrument: "TCS", Action: CancelAll, Side: Sell, TraderID: "a", Time: t0}},
	} {
		var o Order
		if err := DecodeOrder([]byte(c.line), &o); err != nil || o != c.want {
			t.Errorf("%s: got %+v, %v; want %+v", c.line, o, err, c.want)
			continue
		}
		var back Order
		enc := AppendOrderJSON(nil, &o)
		if err := DecodeOrder(enc, &back); err != nil || back != o {
			t.Errorf("round trip via %s: %+v, %v", enc, back, err)
		}
	}
	// An order without the rules encodes as before: no new keys.
	plain := AppendOrderJSON(nil, &Order{ID: 1, Instrument: "TCS", Side: Buy, Quantity: One, Price: One, Time: t0})
	if want := `{"id":1,"instrument":"TCS","txn_type":"BUY","quantity":1.0,"price":1.0,"order_timestamp":"2023-03-12T23:48:37Z","order_type":"LIMIT","time_in_force":"GTC","action":"NEW"}`; string(plain) != want {
		t.Errorf("plain order encodes as %s, want %s", plain, want)
	}
}

func TestDecodeOrderRejects(t *testing.T) {
	rep := func(old, new string) string { return strings.Replace(tcsLine, old, new, 1) }
	tests := []struct {
		name, line, reason, msg string
	}{
		{"empty", ``, ReasonBadJSON, "expected '{'"},
		{"not an object", `[1]`, ReasonBadJSON, "expected '{'"},
		{"truncated", tcsLine[:40], ReasonBadJSON, ""},
		{"trailing garbage", tcsLine + "x", ReasonBadJSON, "end of input"},
		{"two objects", tcsLine + tcsLine, ReasonBadJSON, "end of input"},
		{"trailing comma", rep(`23:48:37"}`, `23:48:37",}`), ReasonBadJSON, ""},
		{"single quotes", `{'id':1}`, ReasonBadJSON, ""},
		{"leading zero", rep("1000001", "01"), ReasonBadJSON, ""},
		{"bare plus", rep("1000001", "+1"), ReasonBadJSON, ""},
		{"bare dot", rep("5.0", ".5"), ReasonBadJSON, ""},
		{"NaN", rep("5.0", "NaN"), ReasonBadJSON, ""},
		{"bad escape", rep(`"TCS"`, `"T\xS"`), ReasonBadJSON, ""},
		{"bad unicode escape", rep(`"TCS"`, `"T\u00zzS"`), ReasonBadJSON, ""},
		{"raw control char", rep(`"TCS"`, "\"T\x01S\""), ReasonBadJSON, ""},
		{"invalid utf8", rep(`"TCS"`, "\"T\xffS\""), ReasonBadJSON, "UTF-8"},
		{"bad nested unknown", rep(`"id"`, `"x":[1,}, "id"`), ReasonBadJSON, ""},
		{"too deep", `{"x":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`, ReasonBadJSON, "nesting"},
		{"oversize", `{"x":"` + strings.Repeat("a", MaxLineBytes) + `"}`, ReasonOversize, "65536"},
		{"duplicate key", rep(`"price": 15.0`, `"price": 15.0, "price": 16`), ReasonBadField, "price: expected the key once"},
		{"txn_type and trxn_type", rep(`"txn_type": "BUY"`, `"txn_type": "BUY", "trxn_type": "BUY"`), ReasonBadField, "txn_type"},
		{"missing id", rep(`"id": 1000001, `, ``), ReasonMissingField, "id:"},
		{"null id", rep(`1000001`, `null`), ReasonMissingField, "id:"},
		{"missing instrument", rep(`"instrument": "TCS", `, ``), ReasonMissingField, "instrument:"},
		{"missing timestamp", rep(`, "order_timestamp": "2023/03/12, 23:48:37"`, ``), ReasonMissingField, "order_timestamp:"},
		{"missing side", rep(`"txn_type": "BUY", `, ``), ReasonMissingField, "txn_type:"},
		{"missing quantity", rep(`"quantity": 5.0, `, ``), ReasonMissingField, "quantity:"},
		{"missing limit price", rep(`, "price": 15.0`, ``), ReasonMissingField, "price:"},
		{"zero id", rep("1000001", "0"), ReasonNonPositive, "id:"},
		{"negative id", rep("1000001", "-4"), ReasonNonPositive, "id:"},
		{"fractional id", rep("1000001", "7.5"), ReasonBadField, "id: expected a whole number"},
		{"huge id", rep("1000001", "9223372036854775808"), ReasonTooLarge, "id:"},
		{"string id", rep("1000001", `"abc"`), ReasonBadField, `id: expected a whole number, got "abc"`},
		{"bool id", rep("1000001", `true`), ReasonBadField, `got true`},
		{"numeric instrument", rep(`"TCS"`, `42`), ReasonBadField, "instrument: expected a string, got 42"},
		{"empty instrument", rep(`"TCS"`, `""`), ReasonBadField, "instrument: expected a non-empty string"},
		{"bad side", rep(`"BUY"`, `"HOLD"`), ReasonBadField, `txn_type: expected BUY or SELL, got "HOLD"`},
		{"price text", rep("15.0", `"abc"`), ReasonBadField, `price: expected a decimal number, got "abc"`},
		{"price object", rep("15.0", `{"v":1}`), ReasonBadField, `got {"v":1}`},
		{"zero price", rep("15.0", "0"), ReasonNonPositive, "price: expected a number > 0, got 0"},
		{"negative quantity", rep("5.0", "-5"), ReasonNonPositive, "quantity:"},
		{"too precise", rep("15.0", "15.000000001"), ReasonBadField, "8 fractional digits"},
		{"too large", rep("15.0", "1000000000.00000001"), ReasonTooLarge, "price:"},
		{"way too large", rep("5.0", "1e30"), ReasonTooLarge, "quantity:"},
		{"bad timestamp", rep("2023/03/12, 23:48:37", "2023/02/30, 23:48:37"), ReasonBadTimestamp, "order_timestamp:"},
		{"numeric timestamp", rep(`"2023/03/12, 23:48:37"`, "1678664917000"), ReasonBadTimestamp, "got 1678664917000"},
		{"bad expires_at", rep(`"price"`, `"expires_at":"soon","price"`), ReasonBadTimestamp, "expires_at:"},
		{"bad order_type", rep(`"price"`, `"order_type":"STOP","price"`), ReasonBadField, "order_type: expected LIMIT or MARKET"},
		{"bad tif", rep(`"price"`, `"time_in_force":"GTD","price"`), ReasonBadField, "time_in_force:"},
		{"bad action", rep(`"price"`, `"action":"AMEND","price"`), ReasonBadField, "action:"},
		{"numeric trader", rep(`"price"`, `"trader_id":7,"price"`), ReasonBadField, "trader_id:"},
		{"zero stop_price", rep(`"price"`, `"stop_price":0,"price"`), ReasonNonPositive, "stop_price: expected a number > 0"},
		{"negative display_quantity", rep(`"price"`, `"display_quantity":-1,"price"`), ReasonNonPositive, "display_quantity:"},
		{"post_only as a string", rep(`"price"`, `"post_only":"yes","price"`), ReasonBadField, "post_only: expected true or false"},
		{"post_only as a number", rep(`"price"`, `"post_only":1,"price"`), ReasonBadField, "post_only:"},
		{"unknown stp", rep(`"price"`, `"stp":"cancel","price"`), ReasonBadField, "stp: expected CANCEL_NEWEST, CANCEL_OLDEST or CANCEL_BOTH"},
		{"stp given twice", rep(`"price"`, `"stp":"cancel_both","stp":"cancel_both","price"`), ReasonBadField, "stp"},
		{"CANCEL_ALL without id", `{"instrument":"TCS","action":"CANCEL_ALL","trader_id":"a","order_timestamp":"2023/03/12, 23:48:37"}`, ReasonMissingField, "id:"},
	}
	var d OrderDecoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Order{ID: 99}
			err := d.Decode([]byte(tt.line), &o)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode(%.80q) = %v, want an *Error", tt.line, err)
			}
			if e.Reason != tt.reason || !strings.Contains(e.Error(), tt.msg) {
				t.Errorf("Decode(%.80q) = %v; want reason %s and message containing %q", tt.line, e, tt.reason, tt.msg)
			}
			if o != (Order{}) {
				t.Errorf("rejected order left fields set: %+v", o)
			}
		})
	}
}

func TestErrorMessageTruncatesReceived(t *testing.T) {
	long := strings.Repeat("é", 100)
	err := DecodeOrder([]byte(strings.Replace(tcsLine, "15.0", `"`+long+`"`, 1)), new(Order))
	if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), "...") {
		t.Fatalf("error %q: want a message with the value cut to about 64 bytes", err)
	}
	if got := err.Error(); !strings.HasPrefix(got, "BAD_FIELD: price: expected a decimal number, got \"éé") {
		t.Errorf("error = %q", got)
	}
}

func TestReasonOf(t *testing.T) {
	err := DecodeOrder([]byte(`{}`), new(Order))
	if ReasonOf(err) != ReasonMissingField {
		t.Errorf("ReasonOf(%v) = %s", err, ReasonOf(err))
	}
	if ReasonOf(errors.New("x")) != ReasonBadJSON {
		t.Error("ReasonOf(plain error) should be BAD_JSON")
	}
}

func TestOrderDecoderZeroAllocs(t *testing.T) {
	var d OrderDecoder
	var o Order
	lines := [][]byte{
		[]byte(tcsLine),
		[]byte(`{"id":2,"instrument":"INFY","trxn_type":"sell","quantity":"3","price":"1500.05","order_timestamp":"2023-03-12T23:48:37.5Z","trader_id":"T\u00e9-1","x":[1,{"y":2}]}`),
	}
	allocs := testing.AllocsPerRun(1000, func() {
		for _, l := range lines {
			if err := d.Decode(l, &o); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("Decode allocates %.1f times per run, want 0", allocs)
	}
}
