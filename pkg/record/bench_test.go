package record

import (
	"encoding/json"
	"testing"
)

// benchOrders are realistic order lines in the shapes producers send.
var benchOrders = [][]byte{
	[]byte(`{"id": 1000001, "instrument": "TCS", "txn_type": "BUY", "quantity": 5.0, "price": 15.0, "order_timestamp": "2023/03/12, 23:48:37"}`),
	[]byte(`{"id": 1000002, "instrument": "INFY", "trxn_type": "SELL", "quantity": 12.0, "price": 1499.95, "order_timestamp": "2023/03/12, 23:48:38"}`),
	[]byte(`{"id":1000003,"instrument":"RIL","txn_type":"BUY","quantity":3.0,"price":2500.5,"order_timestamp":"2023-03-12T23:48:38.250Z","order_type":"LIMIT","time_in_force":"IOC","trader_id":"T-0042","action":"NEW"}`),
	[]byte(`{"id": 1000004, "instrument": "ONGC", "txn_type": "SELL", "quantity": 100.0, "order_type": "MARKET", "order_timestamp": "2023/03/12, 23:48:39", "trader_id": "T-0007"}`),
}

// reportRate reports records per second of wall time and, where the
// platform tells, CPU nanoseconds per record (the benchmark loop runs on
// one goroutine, so this is the single-core cost even when the machine is
// busy). cpu0 is cpuNanos() before the loop.
func reportRate(b *testing.B, unit string, cpu0 int64) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
	if cpu := cpuNanos() - cpu0; cpu > 0 && cpu0 > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
}

func benchBytes(lines [][]byte) int64 {
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	return int64(n / len(lines))
}

func BenchmarkDecodeOrder(b *testing.B) {
	var d OrderDecoder
	var o Order
	b.ReportAllocs()
	cpu0 := cpuNanos()
	b.SetBytes(benchBytes(benchOrders))
	for i := 0; b.Loop(); i++ {
		if err := d.Decode(benchOrders[i&3], &o); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, "orders", cpu0)
}

// BenchmarkDecodeOrderStdlib is the encoding/json baseline for the same
// lines (into a struct with string/json.Number fields; no validation).
func BenchmarkDecodeOrderStdlib(b *testing.B) {
	var o struct {
		ID         json.Number `json:"id"`
		Instrument string      `json:"instrument"`
		TxnType    string      `json:"txn_type"`
		TrxnType   string      `json:"trxn_type"`
		Quantity   json.Number `json:"quantity"`
		Price      json.Number `json:"price"`
		Timestamp  string      `json:"order_timestamp"`
		OrderType  string      `json:"order_type"`
		TIF        string      `json:"time_in_force"`
		TraderID   string      `json:"trader_id"`
		Action     string      `json:"action"`
	}
	b.ReportAllocs()
	cpu0 := cpuNanos()
	b.SetBytes(benchBytes(benchOrders))
	for i := 0; b.Loop(); i++ {
		if err := json.Unmarshal(benchOrders[i&3], &o); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, "orders", cpu0)
}

func BenchmarkDecodeOrderValidate(b *testing.B) {
	ins, err := NewInstruments(DefaultInstruments())
	if err != nil {
		b.Fatal(err)
	}
	var d OrderDecoder
	var o Order
	b.ReportAllocs()
	cpu0 := cpuNanos()
	for i := 0; b.Loop(); i++ {
		if err := d.Decode(benchOrders[i&3], &o); err != nil {
			b.Fatal(err)
		}
		if err := ins.Validate(&o); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, "orders", cpu0)
}

var benchTrade = Trade{TradeID: 123456, Instrument: "TCS", Price: MustFixed("3500.05"), Quantity: 5 * One, BuyOrderID: 1000001, SellOrderID: 1000002,
	BuyTrader: "T-0042", SellTrader: "T-0007", Aggressor: Sell, Time: 1678664918250}

func BenchmarkDecodeTrade(b *testing.B) {
	line := AppendTradeJSON(nil, &benchTrade)
	var d TradeDecoder
	var t Trade
	b.ReportAllocs()
	cpu0 := cpuNanos()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if err := d.Decode(line, &t); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, "trades", cpu0)
}

func BenchmarkAppendTradeJSON(b *testing.B) {
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	cpu0 := cpuNanos()
	b.SetBytes(int64(len(AppendTradeJSON(nil, &benchTrade))))
	for b.Loop() {
		buf = AppendTradeJSON(buf[:0], &benchTrade)
	}
	reportRate(b, "trades", cpu0)
}

func BenchmarkAppendOrderJSON(b *testing.B) {
	var o Order
	if err := DecodeOrder(benchOrders[2], &o); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	cpu0 := cpuNanos()
	for b.Loop() {
		buf = AppendOrderJSON(buf[:0], &o)
	}
	reportRate(b, "orders", cpu0)
}
