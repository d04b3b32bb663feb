package record

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// BookLevel is one price level of an instrument's book: its total open
// quantity and the number of orders resting there. In a BookUpdate a level
// with Quantity 0 and Orders 0 has been removed; in a BookSnapshot Side is
// unused (the level's list says the side).
type BookLevel struct {
	Side     Side
	Price    Fixed
	Quantity Fixed
	Orders   int64
}

// BookUpdate is one market-by-price change of an instrument's book: the
// levels one input record changed, with their new totals, and the best bid
// and offer after the change. Seq runs from 1 per instrument with no gaps.
type BookUpdate struct {
	Instrument string
	Seq        uint64
	Time       int64       // the instrument clock after the record, Unix ms UTC
	Levels     []BookLevel // each changed level once, in the order touched
	Bid        Fixed
	BidQty     Fixed
	Ask        Fixed
	AskQty     Fixed
	BidOrders  int64
	AskOrders  int64
	HasBid     bool // false: the bid side is empty and bid* are absent
	HasAsk     bool
}

// BookSnapshot is the top levels of an instrument's book per side, best
// first, as of update Seq (the state after applying updates 1..Seq).
type BookSnapshot struct {
	Instrument string
	Seq        uint64
	Time       int64
	Bids       []BookLevel
	Asks       []BookLevel
}

// AppendBookUpdateJSON appends u; the bid* and ask* fields are omitted when
// that side is empty.
func AppendBookUpdateJSON(b []byte, u *BookUpdate) []byte {
	b = append(b, `{"instrument":`...)
	b = appendString(b, u.Instrument)
	b = appendUint(b, "seq", u.Seq)
	b = appendTimeField(b, "time", u.Time)
	b = append(b, `,"levels":[`...)
	for i := range u.Levels {
		if i > 0 {
			b = append(b, ',')
		}
		l := &u.Levels[i]
		b = append(b, `{"side":"`...)
		b = append(b, l.Side.String()...)
		b = append(b, '"')
		b = appendLevelTotals(b, l)
	}
	b = append(b, ']')
	if u.HasBid {
		b = appendFixed(b, "bid", u.Bid)
		b = appendFixed(b, "bid_quantity", u.BidQty)
		b = appendInt(b, "bid_orders", u.BidOrders)
	}
	if u.HasAsk {
		b = appendFixed(b, "ask", u.Ask)
		b = appendFixed(b, "ask_quantity", u.AskQty)
		b = appendInt(b, "ask_orders", u.AskOrders)
	}
	return append(b, '}')
}

// AppendBookSnapshotJSON appends s; the levels' Side is not written.
func AppendBookSnapshotJSON(b []byte, s *BookSnapshot) []byte {
	b = append(b, `{"instrument":`...)
	b = appendString(b, s.Instrument)
	b = appendUint(b, "seq", s.Seq)
	b = appendTimeField(b, "time", s.Time)
	b = appendSnapshotLevels(b, "bids", s.Bids)
	b = appendSnapshotLevels(b, "asks", s.Asks)
	return append(b, '}')
}

func appendSnapshotLevels(b []byte, key string, levels []BookLevel) []byte {
	b = appendKey(b, key)
	b = append(b, '[')
	for i := range levels {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"price":`...)
		b = levels[i].Price.AppendText(b)
		b = appendFixed(b, "quantity", levels[i].Quantity)
		b = appendInt(b, "orders", levels[i].Orders)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendLevelTotals appends the price, quantity, orders fields and the
// closing brace of a level whose object is already open.
func appendLevelTotals(b []byte, l *BookLevel) []byte {
	b = appendFixed(b, "price", l.Price)
	b = appendFixed(b, "quantity", l.Quantity)
	b = appendInt(b, "orders", l.Orders)
	return append(b, '}')
}

// The book decoders use encoding/json (a cold path: clients, tools and
// tests); numbers are decoded exactly through json.Number and ParseFixed.

type bookLevelJSON struct {
	Side     *string      `json:"side"`
	Price    *json.Number `json:"price"`
	Quantity *json.Number `json:"quantity"`
	Orders   *json.Number `json:"orders"`
}

type bookUpdateJSON struct {
	Instrument  *string         `json:"instrument"`
	Seq         *json.Number    `json:"seq"`
	Time        *string         `json:"time"`
	Levels      []bookLevelJSON `json:"levels"`
	Bid         *json.Number    `json:"bid"`
	BidQuantity *json.Number    `json:"bid_quantity"`
	BidOrders   *json.Number    `json:"bid_orders"`
	Ask         *json.Number    `json:"ask"`
	AskQuantity *json.Number    `json:"ask_quantity"`
	AskOrders   *json.Number    `json:"ask_orders"`
}

type bookSnapshotJSON struct {
	Instrument *string         `json:"instrument"`
	Seq        *json.Number    `json:"seq"`
	Time       *string         `json:"time"`
	Bids       []bookLevelJSON `json:"bids"`
	Asks       []bookLevelJSON `json:"asks"`
}

// DecodeBookUpdate decodes one book update; instrument, seq, time and
// levels are required, and each of bid/bid_quantity/bid_orders (and the ask
// ones) all or none. On error *u is left zero.
func DecodeBookUpdate(line []byte, u *BookUpdate) error {
	*u = BookUpdate{}
	var j bookUpdateJSON
	if err := unmarshalBook(line, &j); err != nil {
		return err
	}
	var v BookUpdate
	var err error
	if v.Instrument, v.Seq, v.Time, err = bookHeader(j.Instrument, j.Seq, j.Time); err != nil {
		return err
	}
	if j.Levels == nil {
		return missing("levels", "an array of levels")
	}
	v.Levels = make([]BookLevel, len(j.Levels))
	for i := range j.Levels {
		if err := decodeBookLevel(&j.Levels[i], &v.Levels[i], "levels["+strconv.Itoa(i)+"]", true); err != nil {
			return err
		}
	}
	if v.HasBid, err = bestOf("bid", j.Bid, j.BidQuantity, j.BidOrders, &v.Bid, &v.BidQty, &v.BidOrders); err != nil {
		return err
	}
	if v.HasAsk, err = bestOf("ask", j.Ask, j.AskQuantity, j.AskOrders, &v.Ask, &v.AskQty, &v.AskOrders); err != nil {
		return err
	}
	*u = v
	return nil
}

// DecodeBookSnapshot decodes one book snapshot; instrument, seq, time, bids
// and asks are required. On error *s is left zero.
func DecodeBookSnapshot(line []byte, s *BookSnapshot) error {
	*s = BookSnapshot{}
	var j bookSnapshotJSON
	if err := unmarshalBook(line, &j); err != nil {
		return err
	}
	var v BookSnapshot
	var err error
	if v.Instrument, v.Seq, v.Time, err = bookHeader(j.Instrument, j.Seq, j.Time); err != nil {
		return err
	}
	if v.Bids, err = snapshotSide("bids", j.Bids); err != nil {
		return err
	}
	if v.Asks, err = snapshotSide("asks", j.Asks); err != nil {
		return err
	}
	*s = v
	return nil
}

func unmarshalBook(line []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return &Error{Reason: ReasonBadJSON, Message: "expected a JSON object, got " + gotText(kString, line) + ": " + err.Error()}
	}
	if d.More() {
		return &Error{Reason: ReasonBadJSON, Message: "expected one JSON object, got more after it"}
	}
	return nil
}

func bookHeader(instrument *string, seq *json.Number, ts *string) (string, uint64, int64, error) {
	if instrument == nil {
		return "", 0, 0, missing("instrument", "a string")
	}
	if seq == nil {
		return "", 0, 0, missing("seq", "a whole number")
	}
	n, err := strconv.ParseUint(seq.String(), 10, 64)
	if err != nil {
		return "", 0, 0, fieldError(ReasonBadField, "seq", "a whole number >= 0", seq.String())
	}
	if ts == nil {
		return "", 0, 0, missing("time", "an RFC 3339 time")
	}
	ms, ok := ParseTimestamp([]byte(*ts))
	if !ok {
		return "", 0, 0, fieldError(ReasonBadTimestamp, "time", "an RFC 3339 time", strconv.Quote(*ts))
	}
	return *instrument, n, ms, nil
}

func snapshotSide(field string, js []bookLevelJSON) ([]BookLevel, error) {
	if js == nil {
		return nil, missing(field, "an array of levels")
	}
	out := make([]BookLevel, len(js))
	for i := range js {
		if err := decodeBookLevel(&js[i], &out[i], field+"["+strconv.Itoa(i)+"]", false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeBookLevel(j *bookLevelJSON, l *BookLevel, field string, withSide bool) error {
	if withSide {
		if j.Side == nil {
			return missing(field+".side", `"BUY" or "SELL"`)
		}
		switch *j.Side {
		case "BUY":
			l.Side = Buy
		case "SELL":
			l.Side = Sell
		default:
			return fieldError(ReasonBadField, field+".side", `"BUY" or "SELL"`, strconv.Quote(*j.Side))
		}
	}
	var err error
	if l.Price, err = bookFixed(field+".price", j.Price); err != nil {
		return err
	}
	if l.Quantity, err = bookFixed(field+".quantity", j.Quantity); err != nil {
		return err
	}
	l.Orders, err = bookCount(field+".orders", j.Orders)
	return err
}

// bestOf reads one side's best level: all three fields or none.
func bestOf(side string, price, qty, orders *json.Number, p, q *Fixed, n *int64) (bool, error) {
	if price == nil && qty == nil && orders == nil {
		return false, nil
	}
	var err error
	if *p, err = bookFixed(side, price); err != nil {
		return false, err
	}
	if *q, err = bookFixed(side+"_quantity", qty); err != nil {
		return false, err
	}
	*n, err = bookCount(side+"_orders", orders)
	return err == nil, err
}

func bookFixed(field string, n *json.Number) (Fixed, error) {
	if n == nil {
		return 0, missing(field, "a decimal number")
	}
	f, err := ParseFixed([]byte(n.String()))
	if err != nil {
		return 0, fieldError(ReasonBadField, field, "a decimal number with at most 8 fractional digits", n.String())
	}
	return f, nil
}

func bookCount(field string, n *json.Number) (int64, error) {
	if n == nil {
		return 0, missing(field, "a whole number")
	}
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil || v < 0 {
		return 0, fieldError(ReasonBadField, field, "a whole number >= 0", n.String())
	}
	return v, nil
}

// BookUpdateFields is the table of BookUpdate's JSON form; the archive
// stores book updates as rows of one level each (BookRowFields).
// The bid* (ask*) fields are all present or all omitted.
var BookUpdateFields = []Field[BookUpdate]{
	stringField("instrument", FieldSymbol, func(u *BookUpdate) *string { return &u.Instrument }).required(),
	idField("seq", func(u *BookUpdate) *uint64 { return &u.Seq }).required(),
	timeField("time", func(u *BookUpdate) *int64 { return &u.Time }).required(),
	{Name: "levels", Type: FieldLevels, Required: true},
	fixedField("bid", func(u *BookUpdate) *Fixed { return &u.Bid }).omit(),
	fixedField("bid_quantity", func(u *BookUpdate) *Fixed { return &u.BidQty }).omit(),
	countField("bid_orders", func(u *BookUpdate) *int64 { return &u.BidOrders }).omit(),
	fixedField("ask", func(u *BookUpdate) *Fixed { return &u.Ask }).omit(),
	fixedField("ask_quantity", func(u *BookUpdate) *Fixed { return &u.AskQty }).omit(),
	countField("ask_orders", func(u *BookUpdate) *int64 { return &u.AskOrders }).omit(),
}

// BookSnapshotFields is the table of BookSnapshot's JSON form.
var BookSnapshotFields = []Field[BookSnapshot]{
	stringField("instrument", FieldSymbol, func(s *BookSnapshot) *string { return &s.Instrument }).required(),
	idField("seq", func(s *BookSnapshot) *uint64 { return &s.Seq }).required(),
	timeField("time", func(s *BookSnapshot) *int64 { return &s.Time }).required(),
	{Name: "bids", Type: FieldLevels, Required: true},
	{Name: "asks", Type: FieldLevels, Required: true},
}

// BookLevelFields is the table of one level of a BookUpdate; a
// BookSnapshot's levels have the same fields without side.
var BookLevelFields = []Field[BookLevel]{
	sideField("side", func(l *BookLevel) *Side { return &l.Side }).required(),
	fixedField("price", func(l *BookLevel) *Fixed { return &l.Price }).required(),
	fixedField("quantity", func(l *BookLevel) *Fixed { return &l.Quantity }).required(),
	countField("orders", func(l *BookLevel) *int64 { return &l.Orders }).required(),
}
