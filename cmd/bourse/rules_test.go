package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// matchRules runs `bourse match` in file mode over the order lines (TCS,
// 2023-03-13) with extra flags and returns the trades and the execution
// reports.
func matchRules(t *testing.T, orders []string, args ...string) (trades, events string) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.jsonl")
	if err := os.WriteFile(in, []byte(strings.Join(orders, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, ev := filepath.Join(dir, "trades.jsonl"), filepath.Join(dir, "events.jsonl")
	_, stderr, code := bourse(t, append([]string{"match", "--quiet", "--in", in, "--out", tr, "--events", ev}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	return read(t, tr), read(t, ev)
}

// order is one TCS order line at second s of 09:15; extra goes inside.
func order(id int, side string, qty int, price string, s int, extra string) string {
	l := `{"id": ` + itoa(id) + `, "instrument": "TCS", "order_timestamp": "2023-03-13T09:15:` + pad(s) + `Z"`
	if side != "" {
		l += `, "txn_type": "` + side + `"`
	}
	if qty != 0 {
		l += `, "quantity": ` + itoa(qty)
	}
	if price != "" {
		l += `, "price": ` + price
	}
	return l + extra + "}"
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func pad(s int) string {
	if s < 10 {
		return "0" + itoa(s)
	}
	return itoa(s)
}

// wantLines fails unless each want is in some line of out, in order.
func wantLines(t *testing.T, what, out string, want ...string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	i := 0
	for _, w := range want {
		for i < len(lines) && !containsAll(lines[i], strings.Split(w, "&")) {
			i++
		}
		if i == len(lines) {
			t.Fatalf("%s: no line with %s (in order) in\n%s", what, w, out)
		}
		i++
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// TestMatchRulesOnTheWire: each rule's field or flag through `bourse
// match` in file mode, with its reports on the wire.
func TestMatchRulesOnTheWire(t *testing.T) {
	t.Run("stop_price", func(t *testing.T) {
		trades, ev := matchRules(t, []string{
			order(1, "BUY", 2, "", 0, `, "order_type": "MARKET", "stop_price": 3500, "trader_id": "a"`),
			order(2, "SELL", 3, "3500", 1, `, "trader_id": "b"`),
			order(3, "BUY", 1, "3500", 2, `, "trader_id": "c"`),
		})
		wantLines(t, "events", ev, `"type":"ACCEPTED"&"order_id":1`, `"type":"FILL"&"order_id":3`,
			`"type":"TRIGGERED"&"order_id":1&"order_type":"MARKET"&"quantity":2`, `"type":"FILL"&"order_id":1`)
		wantLines(t, "trades", trades, `"buy_order_id":3`, `"buy_order_id":1&"quantity":2`)
	})
	t.Run("stop_price off tick", func(t *testing.T) {
		_, ev := matchRules(t, []string{order(1, "BUY", 2, "", 0, `, "order_type": "MARKET", "stop_price": 3500.001`)})
		wantLines(t, "events", ev, `"type":"REJECTED"&"reason":"OFF_TICK"&stop_price`)
	})
	t.Run("display_quantity", func(t *testing.T) {
		trades, ev := matchRules(t, []string{
			order(1, "SELL", 10, "3500", 0, `, "display_quantity": 2`),
			order(2, "BUY", 5, "3500", 1, ``),
		})
		wantLines(t, "trades", trades, `"quantity":2`, `"quantity":2`, `"quantity":1`)
		wantLines(t, "events", ev, `"type":"ACCEPTED"&"order_id":1&"quantity":10`, `"type":"FILL"&"order_id":2`,
			`"type":"PARTIAL_FILL"&"order_id":1&"leaves_quantity":5`)
	})
	t.Run("post_only", func(t *testing.T) {
		_, ev := matchRules(t, []string{
			order(1, "SELL", 1, "3500", 0, ``),
			order(2, "BUY", 1, "3500", 1, `, "post_only": true`),
			order(3, "BUY", 1, "3499", 2, `, "post_only": true`),
		})
		wantLines(t, "events", ev, `"type":"REJECTED"&"order_id":2&"reason":"WOULD_TRADE"&"message":"expected a post_only price`,
			`"type":"ACCEPTED"&"order_id":3`)
	})
	selfTrade := []string{
		order(1, "SELL", 1, "3500", 0, `, "trader_id": "a"`),
		order(2, "BUY", 1, "3500", 1, `, "trader_id": "a"`),
	}
	t.Run("no stp: a self-trade trades", func(t *testing.T) {
		trades, ev := matchRules(t, selfTrade)
		if !strings.Contains(trades, `"buy_trader_id":"a","sell_trader_id":"a"`) || strings.Contains(ev, "SELF_TRADE") {
			t.Fatalf("trades %s\nevents %s", trades, ev)
		}
	})
	t.Run("--stp", func(t *testing.T) {
		trades, ev := matchRules(t, selfTrade, "--stp", "cancel-oldest")
		wantLines(t, "events", ev, `"type":"ACCEPTED"&"order_id":2`, `"type":"CANCELLED"&"order_id":1&"reason":"SELF_TRADE"`)
		if trades != "" {
			t.Errorf("trades %s", trades)
		}
	})
	t.Run("stp field", func(t *testing.T) {
		_, ev := matchRules(t, []string{selfTrade[0], order(2, "BUY", 1, "3500", 1, `, "trader_id": "a", "stp": "cancel_newest"`)},
			"--stp", "CANCEL_OLDEST")
		wantLines(t, "events", ev, `"type":"CANCELLED"&"order_id":2&"reason":"SELF_TRADE"`)
	})
	t.Run("CANCEL_ALL", func(t *testing.T) {
		_, ev := matchRules(t, []string{
			order(1, "SELL", 1, "3501", 0, `, "trader_id": "a"`),
			order(2, "BUY", 1, "3499", 1, `, "trader_id": "a"`),
			order(3, "BUY", 1, "3498", 2, `, "trader_id": "b"`),
			order(9, "", 0, "", 3, `, "action": "CANCEL_ALL", "trader_id": "a"`),
			order(10, "", 0, "", 4, `, "action": "CANCEL_ALL"`),
		})
		wantLines(t, "events", ev, `"type":"CANCELLED"&"order_id":2&"reason":"MASS_CANCEL"`,
			`"type":"CANCELLED"&"order_id":1&"reason":"MASS_CANCEL"`, `"type":"REJECTED"&"order_id":10&"reason":"BAD_TRADER_ID"`)
		if strings.Contains(ev, `{"type":"CANCELLED","order_id":3,`) {
			t.Errorf("trader b's order was cancelled:\n%s", ev)
		}
	})
	t.Run("band_pct", func(t *testing.T) {
		ref := filepath.Join(t.TempDir(), "instruments.csv")
		if err := os.WriteFile(ref, []byte("symbol,tick_size,lot_size,ref_price,band_pct\nTCS,0.05,1,3500,10\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, ev := matchRules(t, []string{order(1, "SELL", 1, "3850.05", 0, ``), order(2, "SELL", 1, "3850", 1, ``),
			order(3, "BUY", 1, "3149.95", 2, ``), order(4, "BUY", 1, "3150", 3, ``)}, "--instruments", ref)
		wantLines(t, "events", ev, `"type":"REJECTED"&"order_id":1&"reason":"PRICE_BAND"&"message":"expected a limit price within the price band 3150.0 to 3850.0 of TCS, received 3850.05"`,
			`"type":"ACCEPTED"&"order_id":2`, `"type":"REJECTED"&"order_id":3&"reason":"PRICE_BAND"`, `"type":"ACCEPTED"&"order_id":4`)
	})
}

// TestMatchRulesUsage: bad rule settings are usage errors (exit 2).
func TestMatchRulesUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"match", "--stp", "always"}, "--stp must be off, cancel-newest"},
		{[]string{"match", "--stp", "cancel-both", "--policy", "exact"}, "--stp needs --policy price-time"},
	} {
		if _, stderr, code := bourse(t, c.args...); code != 2 || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.msg)
		}
	}
}
