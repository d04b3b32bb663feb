// Command genarchive writes a deterministic archive for the analysts'
// reader tests (tests/analytics): the edge-value record set of
// columnartest as micro-batches (written twice, so that ranges overlap)
// under OUT/batches, archived into OUT/archive by the archive job, and the
// expected rows as OUT/expected.json.
//
// expected.json maps each dataset to {"columns": {name: kind}, "rows":
// [...]}, kinds being ts (Unix ms), dec (decimal text), str, u64, i64,
// bool; null (JSON null) where the archive stores null; the instrument is
// included, "" for the null partition.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/bourse/bourse/jobs/archive"
	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/columnar/columnartest"
	"github.com/bourse/bourse/pkg/record"
)

type dataset struct {
	Columns map[string]string `json:"columns"`
	Rows    []map[string]any  `json:"rows"`
}

func main() {
	out := flag.String("out", "", "output directory (required)")
	n := flag.Int("n", 60, "records per dataset")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genarchive: -out is required")
		os.Exit(2)
	}
	if err := run(*out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "genarchive:", err)
		os.Exit(1)
	}
}

func run(out string, n int) error {
	s := columnartest.Edge(n)
	batches := filepath.Join(out, "batches")
	for _, per := range []int{13, 10} {
		w, err := columnar.NewBatchWriter(batches)
		if err != nil {
			return err
		}
		if _, err := columnartest.Write(w, s, "orders", 0, per); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	cfg := archive.DefaultConfig()
	cfg.BatchDir, cfg.ArchiveDir = batches, filepath.Join(out, "archive")
	if _, err := archive.Run(context.Background(), cfg, slog.New(slog.NewTextHandler(os.Stderr, nil))); err != nil {
		return err
	}
	exp := map[string]dataset{
		"orders":  conv(s.Orders, orderRow),
		"trades":  conv(s.Trades, tradeRow),
		"events":  conv(s.Events, eventRow),
		"bars":    conv(s.Bars, barRow),
		"sma":     conv(s.SMAs, smaRow),
		"profit":  conv(s.Profits, profitRow),
		"rejects": conv(s.Rejects, rejectRow),
		"status":  conv(s.Statuses, statusRow),
	}
	f, err := os.Create(filepath.Join(out, "expected.json"))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", " ")
	if err := enc.Encode(exp); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type col struct {
	name, kind string
	v          any
}

func conv[T any](rows []T, row func(*T) []col) dataset {
	d := dataset{Columns: map[string]string{}}
	for i := range rows {
		m := map[string]any{}
		for _, c := range row(&rows[i]) {
			d.Columns[c.name] = c.kind
			switch v := c.v.(type) {
			case record.Fixed:
				m[c.name] = v.String()
			default:
				m[c.name] = v
			}
		}
		d.Rows = append(d.Rows, m)
	}
	return d
}

// orNull is v, or nil (null) when v is its type's zero value.
func orNull[V comparable](v V) any {
	var zero V
	if v == zero {
		return nil
	}
	return v
}

func orderRow(o *record.Order) []col {
	return []col{{"id", "u64", o.ID}, {"instrument", "str", o.Instrument}, {"txn_type", "str", o.Side.String()},
		{"quantity", "dec", o.Quantity}, {"price", "dec", o.Price}, {"order_timestamp", "ts", o.Time},
		{"order_type", "str", o.Type.String()}, {"time_in_force", "str", o.TIF.String()},
		{"expires_at", "ts", orNull(o.ExpiresAt)}, {"trader_id", "str", o.TraderID}, {"action", "str", o.Action.String()},
		{"stop_price", "dec", orNull(o.StopPrice)}, {"display_quantity", "dec", orNull(o.Display)},
		{"post_only", "bool", orNull(o.PostOnly)}, {"stp", "str", orNull(o.STP.String())}}
}

func statusRow(s *record.Status) []col {
	return []col{{"instrument", "str", s.Instrument}, {"phase", "str", s.Phase}, {"time", "ts", s.Time}}
}

func tradeRow(t *record.Trade) []col {
	return []col{{"trade_id", "u64", t.TradeID}, {"instrument", "str", t.Instrument}, {"price", "dec", t.Price},
		{"quantity", "dec", t.Quantity}, {"buy_order_id", "u64", t.BuyOrderID}, {"sell_order_id", "u64", t.SellOrderID},
		{"buy_trader_id", "str", t.BuyTrader}, {"sell_trader_id", "str", t.SellTrader},
		{"aggressor", "str", t.Aggressor.String()}, {"trade_timestamp", "ts", t.Time}}
}

func eventRow(e *record.Event) []col {
	return []col{{"type", "str", e.Type.String()}, {"order_id", "u64", e.OrderID}, {"instrument", "str", e.Instrument},
		{"trader_id", "str", e.TraderID}, {"side", "str", e.Side.String()}, {"order_type", "str", e.OrderType.String()},
		{"time_in_force", "str", e.TIF.String()}, {"price", "dec", e.Price}, {"quantity", "dec", e.Quantity},
		{"leaves_quantity", "dec", e.Leaves}, {"filled_quantity", "dec", e.Filled}, {"trade_id", "u64", e.TradeID},
		{"reason", "str", e.Reason}, {"message", "str", e.Message}, {"raw", "str", e.Raw}, {"timestamp", "ts", e.Time}}
}

func barRow(b *record.Bar) []col {
	return []col{{"instrument", "str", b.Instrument}, {"bar_start", "ts", b.Start}, {"bar_end", "ts", b.End},
		{"open", "dec", b.Open}, {"high", "dec", b.High}, {"low", "dec", b.Low}, {"close", "dec", b.Close},
		{"volume", "dec", b.Volume}, {"vwap", "dec", b.VWAP}, {"count", "i64", b.Count}}
}

func smaRow(s *record.SMA) []col {
	return []col{{"instrument", "str", s.Instrument}, {"window_start", "ts", s.WindowStart},
		{"window_end", "ts", s.WindowEnd}, {"sma", "dec", s.SMA}, {"bars", "i64", s.Bars}}
}

func profitRow(p *record.Profit) []col {
	return []col{{"instrument", "str", p.Instrument}, {"window_start", "ts", p.WindowStart},
		{"window_end", "ts", p.WindowEnd}, {"avg_open", "dec", p.AvgOpen}, {"avg_close", "dec", p.AvgClose},
		{"profit", "dec", p.Profit}, {"rank", "i64", p.Rank}, {"bars", "i64", p.Bars}}
}

func rejectRow(r *record.Reject) []col {
	return []col{{"source", "str", r.Source}, {"reason", "str", r.Reason}, {"message", "str", r.Message},
		{"raw", "str", r.Raw}}
}
