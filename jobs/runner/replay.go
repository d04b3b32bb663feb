package runner

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

// isArchived reports whether path names an Arrow or Parquet file.
func isArchived(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".arrow", ".parquet", ".ipc", ".feather":
		return true
	}
	return false
}

// replay streams archived records of the given dataset ("orders" or
// "trades") as JSON Lines through a pipe.
func replay(ctx context.Context, path, dataset string) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		var buf []byte
		write := func() error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			buf = append(buf, '\n')
			_, err := pw.Write(buf)
			return err
		}
		var err error
		switch dataset {
		case "orders":
			err = parquet.ReadOrders(path, func(o *record.Order) error {
				buf = record.AppendOrderJSON(buf[:0], o)
				return write()
			})
		case "trades":
			err = parquet.ReadTrades(path, func(t *record.Trade) error {
				buf = record.AppendTradeJSON(buf[:0], t)
				return write()
			})
		default:
			err = fmt.Errorf("replay: no archived input for dataset %q", dataset)
		}
		if err != nil {
			err = fmt.Errorf("replay %s: %w", path, err)
		}
		pw.CloseWithError(err)
	}()
	return pr
}
