package parquet_test

import "github.com/bourse/bourse/pkg/stream"

func streamRange(first, last int64) stream.Range {
	return stream.Range{Source: "orders", First: first, Last: last}
}
