package parquet_test

import (
	"io"

	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

func parquetTradeWrite(w io.Writer, rows []record.Trade) error {
	return parquet.TradeLayout.Write(w, rows, parquet.Options{})
}
