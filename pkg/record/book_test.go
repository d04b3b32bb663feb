package record

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

var (
	updateFull = BookUpdate{Instrument: "RIL", Seq: 42, Time: t0 + 123,
		Levels: []BookLevel{{Side: Sell, Price: 101 * One}, {Side: Buy, Price: MustFixed("100.5"), Quantity: 30 * One, Orders: 2}},
		HasBid: true, Bid: MustFixed("100.5"), BidQty: 30 * One, BidOrders: 2,
		HasAsk: true, Ask: MustFixed("101.5"), AskQty: 5 * One, AskOrders: 1}
	updateEmpty = BookUpdate{Instrument: "TCS", Seq: 1, Time: 0, Levels: []BookLevel{{Side: Buy, Price: One}}}
	snapFull    = BookSnapshot{Instrument: "RIL", Seq: 42, Time: t0,
		Bids: []BookLevel{{Price: MustFixed("100.5"), Quantity: 30 * One, Orders: 2}, {Price: 100 * One, Quantity: One / 2, Orders: 1}},
		Asks: []BookLevel{{Price: MustFixed("101.5"), Quantity: 5 * One, Orders: 1}}}
	snapEmpty = BookSnapshot{Instrument: "X", Seq: 0, Time: 0, Bids: []BookLevel{}, Asks: []BookLevel{}}
)

func TestBookContractText(t *testing.T) {
	tests := []struct{ got, want string }{
		{string(AppendBookUpdateJSON(nil, &updateFull)),
			`{"instrument":"RIL","seq":42,"time":"2023-03-12T23:48:37.123Z","levels":[{"side":"SELL","price":101.0,"quantity":0.0,"orders":0},{"side":"BUY","price":100.5,"quantity":30.0,"orders":2}],"bid":100.5,"bid_quantity":30.0,"bid_orders":2,"ask":101.5,"ask_quantity":5.0,"ask_orders":1}`},
		{string(AppendBookUpdateJSON(nil, &updateEmpty)),
			`{"instrument":"TCS","seq":1,"time":"1970-01-01T00:00:00Z","levels":[{"side":"BUY","price":1.0,"quantity":0.0,"orders":0}]}`},
		{string(AppendBookSnapshotJSON(nil, &snapFull)),
			`{"instrument":"RIL","seq":42,"time":"2023-03-12T23:48:37Z","bids":[{"price":100.5,"quantity":30.0,"orders":2},{"price":100.0,"quantity":0.5,"orders":1}],"asks":[{"price":101.5,"quantity":5.0,"orders":1}]}`},
		{string(AppendBookSnapshotJSON(nil, &snapEmpty)),
			`{"instrument":"X","seq":0,"time":"1970-01-01T00:00:00Z","bids":[],"asks":[]}`},
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

func TestBookRoundTrip(t *testing.T) {
	for _, u := range []BookUpdate{updateFull, updateEmpty, {Instrument: "q\"é", Seq: 1<<63 + 5, Time: t0, Levels: []BookLevel{},
		HasAsk: true, Ask: MaxValue, AskQty: One / 100_000_000, AskOrders: 1 << 40}} {
		var back BookUpdate
		line := AppendBookUpdateJSON(nil, &u)
		if err := DecodeBookUpdate(line, &back); err != nil {
			t.Fatalf("DecodeBookUpdate(%s): %v", line, err)
		}
		if !reflect.DeepEqual(back, u) {
			t.Errorf("update round trip of %s:\ngot  %+v\nwant %+v", line, back, u)
		}
	}
	for _, s := range []BookSnapshot{snapFull, snapEmpty} {
		var back BookSnapshot
		line := AppendBookSnapshotJSON(nil, &s)
		if err := DecodeBookSnapshot(line, &back); err != nil {
			t.Fatalf("DecodeBookSnapshot(%s): %v", line, err)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("snapshot round trip of %s:\ngot  %+v\nwant %+v", line, back, s)
		}
	}
}

func TestBookDecodeErrors(t *testing.T) {
	const lv = `"levels":[{"side":"BUY","price":1,"quantity":2,"orders":1}]`
	updates := []struct{ line, reason, says string }{
		{`{"instrument":"X","seq":1,"time":"1970-01-01T00:00:00Z",` + lv + `}`, "", ""},
		{`{"instrument":"X","seq":"1","time":"1970-01-01T00:00:00Z",` + lv + `}`, "", ""},
		{`[1]`, ReasonBadJSON, "expected a JSON object"},
		{`{"instrument":"X"} {}`, ReasonBadJSON, "more after it"},
		{`{"seq":1,"time":"1970-01-01T00:00:00Z",` + lv + `}`, ReasonMissingField, "instrument"},
		{`{"instrument":"X","time":"1970-01-01T00:00:00Z",` + lv + `}`, ReasonMissingField, "seq"},
		{`{"instrument":"X","seq":-1,"time":"1970-01-01T00:00:00Z",` + lv + `}`, ReasonBadField, "seq: expected a whole number >= 0, got -1"},
		{`{"instrument":"X","seq":1,"time":"yesterday",` + lv + `}`, ReasonBadTimestamp, `time: expected an RFC 3339 time, got "yesterday"`},
		{`{"instrument":"X","seq":1,"time":"1970-01-01T00:00:00Z"}`, ReasonMissingField, "levels"},
		{`{"instrument":"X","seq":1,"time":"1970-01-01T00:00:00Z","levels":[{"side":"UP","price":1,"quantity":2,"orders":1}]}`, ReasonBadField, `levels[0].side: expected "BUY" or "SELL", got "UP"`},
		{`{"instrument":"X","seq":1,"time":"1970-01-01T00:00:00Z","levels":[{"side":"BUY","quantity":2,"orders":1}]}`, ReasonMissingField, "levels[0].price"},
		{`{"instrument":"X","seq":1,"time":"1970-01-01T00:00:00Z","levels":[{"side":"BUY","price":1.123456789,"quantity":2,"orders":1}]}`, ReasonBadField, "levels[0].price"},
		{`{"instrument":"X","seq":1,"time":"1970-01-01T00:00:00Z","levels":[{"side":"BUY","price":1,"quantity":2,"orders":1.5}]}`, ReasonBadField, "levels[0].orders"},
		{`{"instrument":"X","seq":1,"time":"1970-01-01T00:00:00Z",` + lv + `,"bid":1}`, ReasonMissingField, "bid_quantity"},
	}
	for _, tt := range updates {
		var u BookUpdate
		err := DecodeBookUpdate([]byte(tt.line), &u)
		checkBookErr(t, tt.line, err, tt.reason, tt.says)
		if err != nil && !reflect.DeepEqual(u, BookUpdate{}) {
			t.Errorf("%s: update not left zero on error: %+v", tt.line, u)
		}
	}
	snaps := []struct{ line, reason, says string }{
		{`{"instrument":"X","seq":0,"time":"1970-01-01T00:00:00Z","bids":[],"asks":[]}`, "", ""},
		{`{"instrument":"X","seq":0,"time":"1970-01-01T00:00:00Z","bids":[]}`, ReasonMissingField, "asks"},
		{`{"instrument":"X","seq":0,"time":"1970-01-01T00:00:00Z","bids":[{"price":1,"quantity":1}],"asks":[]}`, ReasonMissingField, "bids[0].orders"},
	}
	for _, tt := range snaps {
		var s BookSnapshot
		err := DecodeBookSnapshot([]byte(tt.line), &s)
		checkBookErr(t, tt.line, err, tt.reason, tt.says)
	}
}

func checkBookErr(t *testing.T, line string, err error, reason, says string) {
	t.Helper()
	if reason == "" {
		if err != nil {
			t.Errorf("%s: unexpected error %v", line, err)
		}
		return
	}
	if err == nil {
		t.Errorf("%s: expected %s error, got none", line, reason)
		return
	}
	if ReasonOf(err) != reason || !strings.Contains(err.Error(), says) {
		t.Errorf("%s: expected %s error containing %q, got %v", line, reason, says, err)
	}
}

// FuzzDecodeBook checks that the book decoders never panic and that what
// they accept re-encodes to something they decode to the same value.
func FuzzDecodeBook(f *testing.F) {
	f.Add(AppendBookUpdateJSON(nil, &updateFull))
	f.Add(AppendBookSnapshotJSON(nil, &snapFull))
	f.Fuzz(func(t *testing.T, line []byte) {
		var u, u2 BookUpdate
		if DecodeBookUpdate(line, &u) == nil {
			if err := DecodeBookUpdate(AppendBookUpdateJSON(nil, &u), &u2); err != nil || !reflect.DeepEqual(u, u2) {
				t.Fatalf("update %q: %v %+v %+v", line, err, u, u2)
			}
		}
		var s, s2 BookSnapshot
		if DecodeBookSnapshot(line, &s) == nil {
			if err := DecodeBookSnapshot(AppendBookSnapshotJSON(nil, &s), &s2); err != nil || !reflect.DeepEqual(s, s2) {
				t.Fatalf("snapshot %q: %v %+v %+v", line, err, s, s2)
			}
		}
	})
}
