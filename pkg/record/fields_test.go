package record

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// tableCase checks one record type's hand-written encoder and decoder
// against its field table.
type tableCase[T any] struct {
	name   string
	fields []Field[T]
	encode func([]byte, *T) []byte
	decode func([]byte, *T) error // nil: no decoder
	// prepare adjusts the full record (an action whose rules make fewer
	// fields required, book levels); zero clears one field beyond the
	// table's accessor (a book side's presence flag).
	prepare func(*T)
	zero    func(*T, string)
	// grouped fields are all-or-none: dropping one alone is MISSING_FIELD.
	grouped []string
}

// enumNames are the non-zero enum names tried on FieldSymbol fields whose
// setter does not keep an arbitrary string.
var enumNames = []string{"SELL", "MARKET", "IOC", "CANCEL", "PARTIAL_FILL", "CANCEL_BOTH"}

// full returns a record with every table field set to a non-zero value.
func (c tableCase[T]) full(t *testing.T) T {
	var r T
	for i, f := range c.fields {
		switch f.Type {
		case FieldID, FieldCount:
			f.SetInt(&r, int64(7+i))
		case FieldTime:
			f.SetInt(&r, t0+int64(i)*1000+5)
		case FieldFixed:
			f.SetInt(&r, int64(i+1)*int64(One)+25_000_000)
		case FieldBool:
			f.SetInt(&r, 1)
		case FieldSymbol, FieldName, FieldText:
			ok := false
			for _, v := range append([]string{"v_" + f.Name}, enumNames...) {
				if f.SetStr(&r, v); f.Str(&r) == v {
					ok = true
					break
				}
			}
			if !ok {
				t.Fatalf("%s.%s: no value sets it", c.name, f.Name)
			}
		}
	}
	if c.prepare != nil {
		c.prepare(&r)
	}
	return r
}

func (c tableCase[T]) clear(r *T, f Field[T]) {
	switch {
	case f.SetInt != nil:
		f.SetInt(r, 0)
	case f.SetStr != nil:
		f.SetStr(r, "")
	}
	if c.zero != nil {
		c.zero(r, f.Name)
	}
}

// keys returns the top-level keys of the JSON object b in order.
func keys(t *testing.T, b []byte) []string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	var out []string
	_, _ = d.Token() // the opening brace
	for depth := 1; depth > 0; {
		tok, _ := d.Token()
		if tok == nil {
			break
		}
		if k, ok := tok.(string); ok && depth == 1 {
			out = append(out, k)
			var skip json.RawMessage
			if err := d.Decode(&skip); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if tok == json.Delim('}') {
			depth--
		}
	}
	return out
}

// without returns the JSON object b without key.
func without(t *testing.T, b []byte, key string) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, key)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (c tableCase[T]) run(t *testing.T) {
	full := c.full(t)
	enc := c.encode(nil, &full)
	if got, want := keys(t, enc), Names(c.fields); !slices.Equal(got, want) {
		t.Fatalf("%s: encoder writes %v, table has %v", c.name, got, want)
	}
	for _, f := range c.fields {
		r := full
		c.clear(&r, f)
		got := keys(t, c.encode(nil, &r))
		if present := slices.Contains(got, f.Name); present == f.Omit {
			t.Errorf("%s.%s: zero value present=%v in %s, table says omit=%v", c.name, f.Name, present, c.encode(nil, &r), f.Omit)
		}
	}
	if c.decode == nil {
		return
	}
	var back T
	if err := c.decode(enc, &back); err != nil || !reflect.DeepEqual(back, full) {
		t.Fatalf("%s: round trip of %s: %v\ngot  %+v\nwant %+v", c.name, enc, err, back, full)
	}
	for _, f := range c.fields {
		line := without(t, enc, f.Name)
		err := c.decode(line, &back)
		if f.Required || slices.Contains(c.grouped, f.Name) {
			if ReasonOf(err) != ReasonMissingField || !strings.HasPrefix(err.Error(), f.Name) && !strings.Contains(err.Error(), f.Name+":") {
				t.Errorf("%s.%s: required, but %s decodes with %v", c.name, f.Name, line, err)
			}
			continue
		}
		want := full
		c.clear(&want, f)
		if err != nil || !reflect.DeepEqual(back, want) {
			t.Errorf("%s.%s: optional, but %s decodes to %+v, %v; want %+v", c.name, f.Name, line, back, err, want)
		}
	}
}

func TestFieldTables(t *testing.T) {
	level := BookLevel{Side: Sell, Price: 15 * One, Quantity: 2 * One, Orders: 3}
	orderFields := append(slices.Clip(OrderFields), OrderRuleFields...)
	tableCase[Order]{name: "order", fields: orderFields, encode: AppendOrderJSON, decode: DecodeOrder,
		prepare: func(o *Order) { o.Action = Cancel }}.run(t)
	tableCase[Trade]{name: "trade", fields: TradeFields, encode: AppendTradeJSON, decode: DecodeTrade}.run(t)
	tableCase[Event]{name: "event", fields: EventFields, encode: AppendEventJSON, decode: DecodeEvent}.run(t)
	tableCase[Bar]{name: "bar", fields: BarFields, encode: AppendBarJSON, decode: DecodeBar}.run(t)
	tableCase[SMA]{name: "sma", fields: SMAFields, encode: AppendSMAJSON, decode: DecodeSMA}.run(t)
	tableCase[Profit]{name: "profit", fields: ProfitFields, encode: AppendProfitJSON, decode: DecodeProfit}.run(t)
	tableCase[Reject]{name: "reject", fields: RejectFields, encode: AppendRejectJSON, decode: DecodeReject}.run(t)
	tableCase[Instrument]{name: "instrument", fields: InstrumentFields, encode: AppendInstrumentJSON, decode: DecodeInstrument,
		prepare: func(in *Instrument) { in.Symbol, in.TickSize, in.LotSize, in.RefPrice = "TCS", One/100, One, 100*One },
		grouped: []string{"halt_pct", "halt_for"}}.run(t)
	tableCase[BookUpdate]{name: "book update", fields: BookUpdateFields, encode: AppendBookUpdateJSON, decode: DecodeBookUpdate,
		prepare: func(u *BookUpdate) { u.Levels, u.HasBid, u.HasAsk = []BookLevel{level}, true, true },
		zero: func(u *BookUpdate, name string) {
			u.HasBid = u.HasBid && !strings.HasPrefix(name, "bid")
			u.HasAsk = u.HasAsk && !strings.HasPrefix(name, "ask")
		},
		grouped: []string{"bid", "bid_quantity", "bid_orders", "ask", "ask_quantity", "ask_orders"}}.run(t)
	tableCase[BookSnapshot]{name: "book snapshot", fields: BookSnapshotFields, encode: AppendBookSnapshotJSON, decode: DecodeBookSnapshot,
		prepare: func(s *BookSnapshot) {
			l := level
			l.Side = 0
			s.Bids, s.Asks = []BookLevel{l}, []BookLevel{l}
		}}.run(t)
	tableCase[Status]{name: "status", fields: StatusFields, encode: AppendStatusJSON, decode: DecodeStatus,
		prepare: func(s *Status) { s.Instrument, s.Phase = "TCS", "HALTED" }}.run(t)
}

// TestBookLevelFields checks the levels inside book updates and snapshots
// against BookLevelFields (snapshots leave side out).
func TestBookLevelFields(t *testing.T) {
	l := BookLevel{Side: Buy, Price: One, Quantity: One, Orders: 1}
	var u struct{ Levels []json.RawMessage }
	if err := json.Unmarshal(AppendBookUpdateJSON(nil, &BookUpdate{Levels: []BookLevel{l}}), &u); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(t, u.Levels[0]), Names(BookLevelFields); !slices.Equal(got, want) {
		t.Errorf("update level: encoder writes %v, table has %v", got, want)
	}
	var s struct{ Bids []json.RawMessage }
	if err := json.Unmarshal(AppendBookSnapshotJSON(nil, &BookSnapshot{Bids: []BookLevel{l}}), &s); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(t, s.Bids[0]), Names(BookLevelFields)[1:]; !slices.Equal(got, want) {
		t.Errorf("snapshot level: encoder writes %v, table has %v", got, want)
	}
}

// TestContractListsTableFields checks the field lists of docs/CONTRACT.md
// against the tables, so that a field added to a table and not to the
// contract (or the other way round) fails.
func TestContractListsTableFields(t *testing.T) {
	doc, err := os.ReadFile("../../docs/CONTRACT.md")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"order (input)": append(Names(OrderFields), Names(OrderRuleFields)...), "trade": Names(TradeFields), "execution report": Names(EventFields),
		"bar": Names(BarFields), "sma": Names(SMAFields), "profit": Names(ProfitFields), "reject": Names(RejectFields),
		"book update": Names(BookUpdateFields), "book snapshot": Names(BookSnapshotFields), "status": Names(StatusFields),
	}
	paren := regexp.MustCompile(`\([^()]*\)`)
	name := regexp.MustCompile("`([^`]*)`")
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 4 {
			continue
		}
		rec := strings.TrimSpace(cells[1])
		fields, ok := want[rec]
		if !ok {
			continue
		}
		delete(want, rec)
		var got []string
		for _, m := range name.FindAllStringSubmatch(paren.ReplaceAllString(cells[2], ""), -1) {
			got = append(got, m[1])
		}
		if !slices.Equal(got, fields) {
			t.Errorf("CONTRACT.md %s: %v, table has %v", rec, got, fields)
		}
	}
	for rec := range want {
		t.Errorf("CONTRACT.md lists no fields for %s", rec)
	}
}
