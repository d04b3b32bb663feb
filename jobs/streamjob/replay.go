package streamjob

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// isArchived reports whether path names an Arrow or Parquet file.
func isArchived(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".arrow", ".parquet", ".ipc", ".feather":
		return true
	}
	return false
}

// replay runs proc over the archived records of dataset ("orders" or
// "trades") at path, one row per line as if they were JSON Lines. Rows are
// handed over decoded; a row the JSON round trip would change or reject
// (record.OrderReplays) goes as its JSON text instead, so that it is
// rejected, with its raw text, as before.
func replay(ctx context.Context, path, dataset string, proc stream.Processor, out record.Emitter, batches stream.BatchSink, batchLines int) (stream.LineStats, error) {
	var each func(fn func([]byte, any) error) error
	strs := interner{}
	var buf []byte
	switch dataset {
	case "orders":
		each = func(fn func([]byte, any) error) error {
			return parquet.ReadOrders(path, func(o *record.Order) error {
				o.Instrument, o.TraderID = strs.get(o.Instrument), strs.get(o.TraderID)
				if record.OrderReplays(o) {
					return fn(nil, o)
				}
				buf = record.AppendOrderJSON(buf[:0], o)
				return fn(cutLine(buf), nil)
			})
		}
	case "trades":
		each = func(fn func([]byte, any) error) error {
			return parquet.ReadTrades(path, func(t *record.Trade) error {
				t.Instrument, t.BuyTrader, t.SellTrader = strs.get(t.Instrument), strs.get(t.BuyTrader), strs.get(t.SellTrader)
				if record.TradeReplays(t) {
					return fn(nil, t)
				}
				buf = record.AppendTradeJSON(buf[:0], t)
				return fn(cutLine(buf), nil)
			})
		}
	default:
		return stream.LineStats{}, fmt.Errorf("replay: no archived input for dataset %q", dataset)
	}
	return stream.RunDecoded(ctx, path, func(fn func([]byte, any) error) error {
		if err := each(fn); err != nil {
			return fmt.Errorf("replay %s: %w", path, err)
		}
		return nil
	}, proc, out, batches, batchLines)
}

// cutLine keeps what the line reader keeps of a line (stream.MaxLine+1
// bytes), as when replays went through JSON Lines.
func cutLine(b []byte) []byte {
	return b[:min(len(b), stream.MaxLine+1)]
}

// interner copies the strings of replayed rows (which may point into
// Arrow buffers released after the row) once per distinct value.
type interner map[string]string

func (m interner) get(s string) string {
	if v, ok := m[s]; ok {
		return v
	}
	v := strings.Clone(s)
	if len(m) < 1<<16 {
		m[v] = v
	}
	return v
}
