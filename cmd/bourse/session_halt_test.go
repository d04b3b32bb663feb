package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMatchSessionHaltWindow: with halt_window 30 the halt reference is
// re-based to the last trade price every 30 s of event time, so 3500 →
// 3530 → 3560 over two windows trades (1.7% from ref_price, more than
// halt_pct 1), and 3530 → 3600 within one window halts.
func TestMatchSessionHaltWindow(t *testing.T) {
	ref := filepath.Join(t.TempDir(), "instruments.csv")
	if err := os.WriteFile(ref, []byte("symbol,tick_size,lot_size,ref_price,halt_pct,halt_for,halt_window\nTCS,0.05,1,3500,1,60,30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	trades, _, status := matchSession(t, []string{
		at(1, "09:16:00", "SELL", 1, "3530", `, "trader_id": "a"`),
		at(2, "09:16:01", "BUY", 1, "3530", `, "trader_id": "b"`),
		at(3, "09:16:10", "SELL", 1, "3560", `, "trader_id": "a"`),
		at(4, "09:16:31", "BUY", 1, "3560", `, "trader_id": "b"`), // the window from 09:16:30: 0.8% from 3530
		at(5, "09:16:40", "SELL", 1, "3600", `, "trader_id": "a"`),
		at(6, "09:16:45", "BUY", 1, "3600", `, "trader_id": "b"`), // 2% from 3530
		at(7, "09:18:00", "BUY", 1, "3400", `, "trader_id": "c"`),
	}, "--session", "09:00-09:15/09:15-15:30@Z", "--instruments", ref)
	wantLines(t, "status", status,
		`{"instrument":"TCS","phase":"HALTED","time":"2023-03-13T09:16:45Z"}`,
		`{"instrument":"TCS","phase":"CONTINUOUS","time":"2023-03-13T09:17:45Z"}`)
	wantLines(t, "trades", trades, `"price":3530.0&"buy_order_id":2`, `"price":3560.0&"buy_order_id":4`,
		`"price":3600.0&"buy_order_id":6&"sell_order_id":5`)
}
