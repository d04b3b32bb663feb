package record

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestDecodeOrderDifferential checks OrderDecoder against a deliberately
// naive reference built on encoding/json, math/big and package time, over
// random valid order lines with shuffled keys, random whitespace, escaped
// strings, unknown nested keys and numbers in several spellings.
func TestDecodeOrderDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var d OrderDecoder
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := 0; i < n; i++ {
		line := randomOrderLine(rng)
		want, werr := referenceOrder(line)
		if werr != nil {
			t.Fatalf("reference rejects generated line %s: %v", line, werr)
		}
		var got Order
		if err := d.Decode(line, &got); err != nil {
			t.Fatalf("Decode(%s): %v", line, err)
		}
		if got != want {
			t.Fatalf("Decode(%s)\ngot  %+v\nwant %+v", line, got, want)
		}
	}
}

func referenceOrder(line []byte) (Order, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return Order{}, err
	}
	var o Order
	rat := func(v any) *big.Rat {
		var s string
		switch x := v.(type) {
		case json.Number:
			s = string(x)
		case string:
			s = x
		default:
			panic(fmt.Sprintf("not a number: %v", v))
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			panic("bad number " + s)
		}
		return r
	}
	fixed := func(v any) Fixed {
		r := rat(v)
		r.Mul(r, big.NewRat(int64(One), 1))
		if !r.IsInt() {
			panic("too precise")
		}
		return Fixed(r.Num().Int64())
	}
	ts := func(v any) int64 {
		s := v.(string)
		for _, layout := range []string{"2006/01/02, 15:04:05", time.RFC3339Nano} {
			if tm, err := time.Parse(layout, s); err == nil {
				return tm.UnixMilli()
			}
		}
		panic("bad time " + s)
	}
	up := func(v any) string { return strings.ToUpper(v.(string)) }
	for k, v := range m {
		if v == nil {
			continue
		}
		switch k {
		case "id":
			o.ID = rat(v).Num().Uint64()
		case "instrument":
			o.Instrument = v.(string)
		case "txn_type", "trxn_type":
			o.Side = map[string]Side{"BUY": Buy, "SELL": Sell}[up(v)]
		case "quantity":
			o.Quantity = fixed(v)
		case "price":
			o.Price = fixed(v)
		case "order_timestamp":
			o.Time = ts(v)
		case "expires_at":
			o.ExpiresAt = ts(v)
		case "order_type":
			o.Type = map[string]OrderType{"LIMIT": Limit, "MARKET": Market}[up(v)]
		case "time_in_force":
			o.TIF = map[string]TimeInForce{"GTC": GTC, "IOC": IOC, "FOK": FOK}[up(v)]
		case "action":
			o.Action = map[string]Action{"NEW": New, "CANCEL": Cancel, "REPLACE": Replace, "CANCEL_ALL": CancelAll}[up(v)]
		case "stop_price":
			o.StopPrice = fixed(v)
		case "display_quantity":
			o.Display = fixed(v)
		case "post_only":
			o.PostOnly = v.(bool)
		case "stp":
			o.STP = map[string]STP{"CANCEL_NEWEST": STPCancelNewest, "CANCEL_OLDEST": STPCancelOldest, "CANCEL_BOTH": STPCancelBoth}[up(v)]
		case "trader_id":
			o.TraderID = v.(string)
		}
	}
	return o, nil
}

// randomOrderLine writes a valid NEW/REPLACE/CANCEL/CANCEL_ALL order in a
// random spelling, sometimes with the exchange rules' fields.
func randomOrderLine(rng *rand.Rand) []byte {
	type kv struct{ k, v string }
	var fields []kv
	add := func(k, v string) { fields = append(fields, kv{k, v}) }
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	casing := func(s string) string {
		switch rng.IntN(3) {
		case 0:
			return strings.ToLower(s)
		case 1:
			return s[:1] + strings.ToLower(s[1:])
		}
		return s
	}

	id := rng.Uint64N(1<<63-1) + 1
	if rng.IntN(2) == 0 {
		id = rng.Uint64N(1e7) + 1
	}
	add("id", randomNumber(rng, fmt.Sprint(id), true))
	add("instrument", randomString(rng, pick("TCS", "INFY", "RIL", "ONGC", "M&M", "x/y\"z", "é中😀")))
	action := pick("NEW", "NEW", "NEW", "CANCEL", "REPLACE", "CANCEL_ALL")
	if action != "NEW" || rng.IntN(3) == 0 {
		add("action", `"`+casing(action)+`"`)
	}
	market := rng.IntN(5) == 0
	if market {
		add("order_type", `"`+casing("MARKET")+`"`)
	} else if rng.IntN(3) == 0 {
		add("order_type", `"`+casing("LIMIT")+`"`)
	}
	if (action != "CANCEL" && action != "CANCEL_ALL") || rng.IntN(2) == 0 {
		add(pick("txn_type", "trxn_type"), `"`+casing(pick("BUY", "SELL"))+`"`)
	}
	if action == "NEW" || rng.IntN(2) == 0 {
		add("quantity", randomNumber(rng, randomFixed(rng).String(), false))
	}
	if (action == "NEW" && !market) || rng.IntN(2) == 0 {
		add("price", randomNumber(rng, randomFixed(rng).String(), false))
	}
	add("order_timestamp", randomTime(rng))
	if rng.IntN(3) == 0 {
		add("time_in_force", `"`+casing(pick("GTC", "IOC", "FOK"))+`"`)
	}
	if rng.IntN(3) == 0 {
		add("expires_at", randomTime(rng))
	}
	if rng.IntN(2) == 0 {
		add("trader_id", randomString(rng, pick("T1", "trader é", "a\"b\\c\n", "😀x", "")))
	}
	if rng.IntN(4) == 0 {
		add("stop_price", randomNumber(rng, randomFixed(rng).String(), false))
	}
	if rng.IntN(4) == 0 {
		add("display_quantity", randomNumber(rng, randomFixed(rng).String(), false))
	}
	if rng.IntN(4) == 0 {
		add("post_only", pick("true", "false"))
	}
	if rng.IntN(4) == 0 {
		add("stp", `"`+casing(pick("CANCEL_NEWEST", "CANCEL_OLDEST", "CANCEL_BOTH"))+`"`)
	}
	for range rng.IntN(3) {
		add(pick("extra", "meta", "tags", "Price", "ID"), randomJSON(rng, 3))
	}
	for range rng.IntN(2) {
		fields = append(fields, kv{pick("trader_id", "expires_at", "time_in_force", "stop_price", "post_only", "stp"), "null"})
	}
	// Deduplicate (a null must not repeat a real key) and shuffle.
	seen := map[string]bool{}
	var uniq []kv
	for _, f := range fields {
		if !seen[f.k] {
			seen[f.k] = true
			uniq = append(uniq, f)
		}
	}
	rng.Shuffle(len(uniq), func(i, j int) { uniq[i], uniq[j] = uniq[j], uniq[i] })
	ws := func() string { return pick("", "", " ", "\t", "\n ", "\r\n") }
	var b strings.Builder
	b.WriteString(ws() + "{")
	for i, f := range uniq {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%s%s%s:%s%s%s", ws(), randomString(rng, f.k), ws(), ws(), f.v, ws())
	}
	b.WriteString("}" + ws())
	return []byte(b.String())
}

func randomFixed(rng *rand.Rand) Fixed {
	switch rng.IntN(4) {
	case 0:
		return Fixed(rng.Int64N(int64(MaxValue)) + 1)
	case 1:
		return Fixed(rng.Int64N(100000)+1) * One / 100
	case 2:
		return MaxValue
	}
	return Fixed(rng.Int64N(1000)+1) * One
}

// randomNumber spells the decimal text s as a JSON number or string, with
// trailing zeros or an exponent.
func randomNumber(rng *rand.Rand, s string, integer bool) string {
	switch rng.IntN(5) {
	case 0:
		s += ".000"
		if !strings.Contains(s[:len(s)-4], ".") {
			break
		}
		s = s[:len(s)-4] + "000"
	case 1:
		// move the point: 123.45 -> 12345e-2 (or 1234500E-4)
		intp, frac, _ := strings.Cut(s, ".")
		digits := strings.TrimLeft(intp+frac, "0")
		if digits == "" {
			digits = "0"
		}
		s = fmt.Sprintf("%s%s%d", digits, pick2(rng, "e", "E"), -len(frac))
	}
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	if rng.IntN(4) == 0 {
		return `"` + s + `"`
	}
	return s
}

func pick2(rng *rand.Rand, a, b string) string {
	if rng.IntN(2) == 0 {
		return a
	}
	return b
}

func randomTime(rng *rand.Rand) string {
	ms := rng.Int64N(200*365*86400000) - 70*365*86400000
	tm := time.UnixMilli(ms).UTC()
	if rng.IntN(2) == 0 {
		return `"` + tm.Truncate(time.Second).Format("2006/01/02, 15:04:05") + `"`
	}
	off := time.FixedZone("", (rng.IntN(27*60)-12*60)*60)
	if rng.IntN(3) == 0 {
		off = time.UTC
	}
	return `"` + tm.In(off).Format(pick2(rng, time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00")) + `"`
}

// randomString writes s as a JSON string with random (valid) escaping.
func randomString(rng *rand.Rand, s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case rng.IntN(4) == 0:
			if r > 0xFFFF {
				r -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04X`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '/' && rng.IntN(2) == 0:
			b.WriteString(`\/`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func randomJSON(rng *rand.Rand, depth int) string {
	n := rng.IntN(8)
	if depth == 0 {
		n %= 5
	}
	switch n {
	case 0:
		return "null"
	case 1:
		return pick2(rng, "true", "false")
	case 2:
		return pick2(rng, "-0.5e+10", "12")
	case 3, 4:
		return randomString(rng, pick2(rng, "a}]\"{[", "é😀\t"))
	case 5, 6:
		var parts []string
		for range rng.IntN(3) {
			parts = append(parts, randomString(rng, "k")+":"+randomJSON(rng, depth-1))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	var parts []string
	for range rng.IntN(3) {
		parts = append(parts, randomJSON(rng, depth-1))
	}
	return "[" + strings.Join(parts, ",") + "]"
}
