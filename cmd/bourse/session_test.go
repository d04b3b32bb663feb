package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// matchSession runs `bourse match` in file mode over the order lines with
// extra flags and returns the trades, the execution reports and the status
// records.
func matchSession(t *testing.T, orders []string, args ...string) (trades, events, status string) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.jsonl")
	if err := os.WriteFile(in, []byte(strings.Join(orders, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, ev, st := filepath.Join(dir, "trades.jsonl"), filepath.Join(dir, "events.jsonl"), filepath.Join(dir, "status.jsonl")
	_, stderr, code := bourse(t, append([]string{"match", "--quiet", "--in", in, "--out", tr, "--events", ev, "--status", st}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	return read(t, tr), read(t, ev), read(t, st)
}

// at is one TCS order line at hh:mm:ss UTC on 2023-03-13; extra goes inside.
func at(id int, hms, side string, qty int, price, extra string) string {
	l := `{"id": ` + itoa(id) + `, "instrument": "TCS", "order_timestamp": "2023-03-13T` + hms + `Z", "txn_type": "` + side + `", "quantity": ` + itoa(qty)
	if price != "" {
		l += `, "price": ` + price
	}
	return l + extra + "}"
}

// TestMatchSession: a day through `bourse match --session`: CLOSED before
// the pre-open, PRE_OPEN rejects, the call auction's trades at one price,
// the buffer, continuous trading, the close expiring DAY orders; each
// phase change a status record.
func TestMatchSession(t *testing.T) {
	trades, ev, status := matchSession(t, []string{
		at(1, "08:59:00", "BUY", 1, "3500", `, "trader_id": "a"`),
		at(2, "09:01:00", "SELL", 5, "3500", `, "trader_id": "a"`),
		at(3, "09:02:00", "BUY", 3, "3502", `, "trader_id": "b"`),
		at(4, "09:03:00", "BUY", 4, "3501", `, "trader_id": "c", "time_in_force": "DAY"`),
		at(5, "09:04:00", "BUY", 1, "", `, "order_type": "MARKET", "trader_id": "d"`),
		at(6, "09:10:00", "SELL", 1, "3501", `, "trader_id": "d"`),
		at(7, "09:16:00", "SELL", 1, "3501", `, "trader_id": "d"`),
		at(8, "15:31:00", "BUY", 1, "3500", `, "trader_id": "d"`),
	}, "--session", "09:00-09:08/09:15-15:30@Z")
	wantLines(t, "status", status,
		`{"instrument":"TCS","phase":"CLOSED","time":"2023-03-13T08:59:00Z"}`, // the phase the first order finds
		`{"instrument":"TCS","phase":"PRE_OPEN","time":"2023-03-13T09:00:00Z"}`,
		`{"instrument":"TCS","phase":"BUFFER","time":"2023-03-13T09:08:00Z"}`,
		`{"instrument":"TCS","phase":"CONTINUOUS","time":"2023-03-13T09:15:00Z"}`,
		`{"instrument":"TCS","phase":"CLOSED","time":"2023-03-13T15:30:00Z"}`)
	if n := strings.Count(status, "\n"); n != 5 {
		t.Errorf("%d status records, want 5:\n%s", n, status)
	}
	// Most volume (5) at 3500 and 3501, imbalance 2 at both: closest to
	// ref_price 3500.
	wantLines(t, "trades", trades, `"price":3500.0&"quantity":3.0&"buy_order_id":3`,
		`"price":3500.0&"quantity":2.0&"buy_order_id":4`, `"price":3501.0&"quantity":1.0&"buy_order_id":4&"sell_order_id":7`)
	wantLines(t, "events", ev,
		`"type":"REJECTED"&"order_id":1&"reason":"CLOSED"`,
		`"type":"ACCEPTED"&"order_id":4&"time_in_force":"DAY"`,
		`"type":"REJECTED"&"order_id":5&"reason":"PRE_OPEN"`,
		`"type":"PARTIAL_FILL"&"order_id":4&"leaves_quantity":2`,
		`"type":"REJECTED"&"order_id":6&"reason":"CLOSED"`,
		`"type":"PARTIAL_FILL"&"order_id":4&"leaves_quantity":1`,
		`"type":"EXPIRED"&"order_id":4`,
		`"type":"REJECTED"&"order_id":8&"reason":"CLOSED"`)
}

// TestMatchSessionHalt: halt_pct in the reference halts an instrument on a
// sweep that would trade too far from ref_price; a call auction ends it.
func TestMatchSessionHalt(t *testing.T) {
	ref := filepath.Join(t.TempDir(), "instruments.csv")
	if err := os.WriteFile(ref, []byte("symbol,tick_size,lot_size,ref_price,halt_pct,halt_for\nTCS,0.05,1,3500,1,60\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	trades, ev, status := matchSession(t, []string{
		at(1, "09:16:00", "SELL", 1, "3500", `, "trader_id": "a"`),
		at(2, "09:16:01", "SELL", 1, "3600", `, "trader_id": "a"`),
		at(3, "09:16:02", "BUY", 2, "3600", `, "trader_id": "b"`),
		at(4, "09:16:03", "BUY", 1, "", `, "order_type": "MARKET", "trader_id": "c"`),
		at(5, "09:17:30", "BUY", 1, "3400", `, "trader_id": "c"`),
	}, "--session", "09:00-09:15/09:15-15:30@Z", "--instruments", ref)
	wantLines(t, "status", status,
		`{"instrument":"TCS","phase":"HALTED","time":"2023-03-13T09:16:02Z"}`,
		`{"instrument":"TCS","phase":"CONTINUOUS","time":"2023-03-13T09:17:02Z"}`)
	wantLines(t, "trades", trades, `"price":3500.0&"quantity":1.0&"buy_order_id":3`, `"price":3600.0&"quantity":1.0&"buy_order_id":3&"sell_order_id":2`)
	wantLines(t, "events", ev,
		`"type":"PARTIAL_FILL"&"order_id":3&"leaves_quantity":1`,
		`"type":"REJECTED"&"order_id":4&"reason":"PRE_OPEN"`,
		`"type":"FILL"&"order_id":3`,
		`"type":"ACCEPTED"&"order_id":5`)
}

// TestMatchSessionOff: without --session a DAY order rests for ever and no
// status record is written.
func TestMatchSessionOff(t *testing.T) {
	_, ev, status := matchSession(t, []string{
		at(1, "09:16:00", "SELL", 1, "3500", `, "time_in_force": "DAY"`),
		at(2, "23:59:00", "BUY", 1, "3400", ``),
	})
	if status != "" || strings.Contains(ev, "EXPIRED") {
		t.Errorf("status %q\nevents %s", status, ev)
	}
}

// TestMatchSessionUsage: bad --session values are usage errors (exit 2)
// saying what was expected and what was received.
func TestMatchSessionUsage(t *testing.T) {
	for _, c := range []struct {
		session string
		msg     string
	}{
		{"always", `--session expected PREOPEN-AUCTION/OPEN-CLOSE[@±HH:MM]`},
		{"09:00-09:08", `got "09:00-09:08" (no / between`},
		{"09:00-09:08/09:15-15:30@IST", "the offset is not Z, +HH:MM or -HH:MM"},
		{"9:00-09:08/09:15-15:30", "a time is not HH:MM"},
		{"09:00-09:08/09:15-25:00", "a time is not HH:MM"},
		{"09:10-09:08/09:15-15:30", "expected pre-open < auction <= open < close"},
		{"09:00-09:20/09:15-15:30", "expected pre-open < auction <= open < close"},
	} {
		args := []string{"match", "--session", c.session}
		if _, stderr, code := bourse(t, args...); code != 2 || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", args, code, stderr, c.msg)
		}
	}
	if _, stderr, code := bourse(t, "match", "--session", "nse", "--policy", "exact"); code != 2 || !strings.Contains(stderr, "--session needs --policy price-time") {
		t.Errorf("--session with --policy exact: exit %d, stderr %q", code, stderr)
	}
}
